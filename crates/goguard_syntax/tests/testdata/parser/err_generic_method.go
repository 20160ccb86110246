package p

func (r R) M[T any]() {}
