// Declarations of package errors used by goguard's light types; signatures only.

package errors

var ErrUnsupported error

func New(text string) error
func Is(err, target error) bool
func As(err error, target any) bool
func AsType[E error](err error) (E, bool)
func Unwrap(err error) error
func Join(errs ...error) error
