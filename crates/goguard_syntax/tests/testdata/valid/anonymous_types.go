package anon

type Event struct {
	Meta struct {
		Source string
		Labels map[string]string
	}
	Hooks  []func(*Event) error
	Done   chan struct{}
	Matrix *[3][3]float64
	Any    interface{}
	Iface  interface {
		Close() error
	}
	Gen    func() func() (int, error)
	Nested map[string]map[string][]*struct{ N int }
	Ch     chan<- <-chan func()
}

func build() Event {
	var e Event
	e.Meta.Source = "test"
	e.Done = make(chan struct{})
	e.Matrix = &[3][3]float64{{1}, {0, 1}, {0, 0, 1}}
	cfg := struct {
		Name string
		Port int
	}{"svc", 80}
	_ = cfg
	var fn func(a, b int) (sum int)
	_ = fn
	var pf *func()
	_ = pf
	var arr [2]struct{}
	_ = arr
	return e
}
