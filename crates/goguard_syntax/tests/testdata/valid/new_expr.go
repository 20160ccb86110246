package newexpr

type Options struct {
	Retries *int
	Name    *string
	Verbose *bool
}

func defaultRetries() int { return 3 }

// Go 1.26 lets new take an expression, which makes optional fields short.
func build() Options {
	p := new(int)
	*p = 2
	return Options{
		Retries: new(defaultRetries()),
		Name:    new("service"),
		Verbose: new(true),
	}
}

func more() {
	_ = new(1)
	_ = new(1 + 2)
	_ = new([]int)
	_ = new(map[string]int)
	_ = new(struct{ a int })
	_ = new(Options)
	_ = new(*Options)
	_ = new(func() error)
	_ = new(chan<- int)
	_ = new(int64(7))
	_ = new([]int{1, 2})
}
