package illtyped

// These functions parse but do not compile; the graph stays well formed:
// a branch with no target is a dead end, a duplicate label gets a block of
// its own that no branch names.

func strayBranches(x int) {
	if x > 0 {
		break
	}
	continue
	x++
}

func missingLabel(x int) int {
	if x > 0 {
		goto nowhere
	}
	return x
}

func duplicateLabel(x int) {
L:
	x++
L:
	x--
	if x > 0 {
		goto L
	}
}

func fallthroughOutsideSwitch(xs []int) {
	for range xs {
		fallthrough
	}
}
