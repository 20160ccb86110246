package p

func f(mu interface{ Unlock() }) {
	defer mu.Unlock
}
