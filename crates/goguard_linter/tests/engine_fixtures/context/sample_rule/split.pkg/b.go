// fixture: clean
package p

func b() {}
