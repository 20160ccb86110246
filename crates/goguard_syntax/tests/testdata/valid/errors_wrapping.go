package errs

import (
	"errors"
	"fmt"
	"io/fs"
)

type NotFoundError struct {
	Name string
	Err  error
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s: not found", e.Name) }
func (e *NotFoundError) Unwrap() error { return e.Err }

type multi []error

func (m multi) Error() string   { return fmt.Sprint([]error(m)) }
func (m multi) Unwrap() []error { return m }

func open(name string) error {
	return fmt.Errorf("open %q: %w", name, &NotFoundError{Name: name, Err: fs.ErrNotExist})
}

func check() (string, bool) {
	err := open("x")
	var nf *NotFoundError
	switch {
	case errors.As(err, &nf):
		return nf.Name, true
	case errors.Is(err, fs.ErrNotExist), err == nil:
		return "", true
	}
	return "", false
}
