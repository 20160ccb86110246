// Declarations of package runtime/pprof used by goguard's light types; signatures only.

package pprof

import (
	"context"
	"io"
)

func Do(ctx context.Context, labels LabelSet, f func(context.Context))
func ForLabels(ctx context.Context, f func(key, value string) bool)
func Label(ctx context.Context, key string) (string, bool)
func SetGoroutineLabels(ctx context.Context)
func StartCPUProfile(w io.Writer) error
func StopCPUProfile()
func WithLabels(ctx context.Context, labels LabelSet) context.Context
func WriteHeapProfile(w io.Writer) error

type LabelSet struct{}

func Labels(args ...string) LabelSet

type Profile struct{}

func Lookup(name string) *Profile
func NewProfile(name string) *Profile
func Profiles() []*Profile
func (p *Profile) Add(value any, skip int)
func (p *Profile) Count() int
func (p *Profile) Name() string
func (p *Profile) Remove(value any)
func (p *Profile) WriteTo(w io.Writer, debug int) error
