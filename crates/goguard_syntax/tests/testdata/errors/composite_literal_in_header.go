package p

type T struct{ X int }

func f(t T) {
	if t == T{} {
	}
}
