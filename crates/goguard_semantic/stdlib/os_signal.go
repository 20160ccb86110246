// Declarations of package os/signal used by goguard's light types; signatures only.

package signal

import (
	"context"
	"os"
)

func Notify(c chan<- os.Signal, sig ...os.Signal)
func NotifyContext(parent context.Context, signals ...os.Signal) (ctx context.Context, stop context.CancelFunc)
func Stop(c chan<- os.Signal)
func Ignore(sig ...os.Signal)
func Ignored(sig os.Signal) bool
func Reset(sig ...os.Signal)
