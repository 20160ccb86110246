// fixture: clean
package p

func work() {}

func call() {
	work()
	defer work()
}
