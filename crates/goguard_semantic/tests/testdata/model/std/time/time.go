package time

type Duration int64

const (
	Nanosecond  Duration = 1
	Millisecond          = 1000000 * Nanosecond
	Second               = 1000 * Millisecond
)

type Time struct {
	wall uint64
}

func (t Time) Sub(u Time) Duration

func Now() Time

func Since(t Time) Duration

func After(d Duration) <-chan Time
