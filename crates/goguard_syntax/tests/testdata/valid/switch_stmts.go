package switches

import "net/http"

func status(code int) string {
	switch {
	case code < 200:
		return "info"
	case code < 300:
		return "ok"
	default:
		return "other"
	case code >= 500:
		return "server"
	}
}

func withInit(r *http.Request) int {
	switch m := r.Method; m {
	case http.MethodGet, http.MethodHead:
		return 1
	case http.MethodPost:
		fallthrough
	case http.MethodPut:
		return 2
	}
	switch x := len(r.URL.Path); {
	case x > 10:
		return x
	}
	switch n := 3; n {
	}
	switch {
	}
	return 0
}

func fallthroughChain(n int) (out []int) {
	switch n {
	case 0:
		out = append(out, 0)
		fallthrough
	case 1:
		out = append(out, 1)
		fallthrough
	default:
		out = append(out, 2)
	}
	return
}

func exprTag(a, b int) bool {
	switch a + b {
	case 1 + 1:
		return true
	case func() int { return 3 }():
		return false
	}
	switch x := a; x * 2 {
	case 4:
		return x > 0
	}
	return false
}
