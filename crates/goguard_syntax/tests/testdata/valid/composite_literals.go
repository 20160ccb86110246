package composite

import (
	"net/http"
	"time"
)

type Point struct{ X, Y int }

type Route struct {
	Method  string
	Path    string
	Handler http.HandlerFunc
	Tags    []string
}

var routes = []Route{
	{Method: "GET", Path: "/health", Handler: health},
	{"POST", "/jobs", createJob, []string{"write"}},
	{
		Method: "DELETE",
		Path:   "/jobs",
		Tags:   nil,
	},
}

var points = []*Point{{1, 2}, {X: 3}, &Point{Y: 4}, nil}

var grid = [...][2]int{{1, 2}, {3, 4}, 5: {6, 7}}

var byName = map[string]Point{
	"origin": {},
	"unit":   {1, 1},
}

var byPoint = map[Point]string{{0, 0}: "origin", {X: 1}: "x"}

var nested = map[string][]map[int]*Point{
	"a": {{1: {1, 1}}, {2: &Point{2, 2}}},
}

var sparse = []string{0: "zero", 5: "five", "six"}

var empty = struct{}{}

var anon = []struct {
	name string
	d    time.Duration
}{
	{"fast", time.Millisecond},
	{name: "slow", d: time.Minute},
}

var arr = [3]int{}

var chans = []chan<- int{make(chan int)}

var funcs = map[string]func() int{
	"one": func() int { return 1 },
}

var keyedExpr = [10]int{2 * 2: 1, len("ab"): 2}

func health(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
}

func createJob(w http.ResponseWriter, r *http.Request) {
	p := Point{X: 1, Y: 2}
	q := &Point{}
	s := []Point{p, *q}
	_ = len(s)
	_ = [][]int{{}, {1}, []int{2}}
}
