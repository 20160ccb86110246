package labels

import "errors"

var errRetry = errors.New("retry")

func find(grid [][]int, target int) (int, int) {
outer:
	for i, row := range grid {
		for j, v := range row {
			if v < 0 {
				continue outer
			}
			if v == target {
				return i, j
			}
			if v > target {
				break outer
			}
		}
	}
	return -1, -1
}

func retry(do func() error) error {
	attempts := 0
again:
	attempts++
	if err := do(); err != nil {
		if errors.Is(err, errRetry) && attempts < 3 {
			goto again
		}
		return err
	}
	return nil
}

func emptyLabel() {
	goto end
end:
}

func labeledBlock(n int) {
block:
	{
		if n > 0 {
			goto block2
		}
	}
block2:
	switch {
	case n > 10:
		break block2
	}
	_ = 0
	goto block
}

func labeledSelect(ch chan int) {
loop:
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				break loop
			}
			_ = v
		}
	}
}

func emptyStatements() {
	;
	for {
		;
		break
	}
}
