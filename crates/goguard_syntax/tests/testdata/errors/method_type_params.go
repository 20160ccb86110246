package p

type T struct{}

func (T) M[U any](u U) {}
