package main

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// A goroutineleak profile at debug=2 as Go 1.27 prints it (shortened).
const leakProfile = `goroutine 1 [running]:
runtime/pprof.writeGoroutineStacks({0x5a1f40, 0xc000012010})
	/usr/local/go/src/runtime/pprof/pprof.go:819 +0x6b
main.Cockroach1055.func1()
	/tmp/goker/cockroach1055.go:81 +0x4d
main.main()
	/tmp/goker/main.go:40 +0x12f

goroutine 7 [chan receive (leaked)]:
main.Cockroach1055.func2.1()
	/tmp/goker/cockroach1055.go:97 +0x45
created by main.Cockroach1055.func2 in goroutine 6
	/tmp/goker/cockroach1055.go:95 +0xf0

goroutine 8 [sync.Mutex.Lock]:
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:46
main.(*Stopper_cockroach1055).Quiesce(0xc000100000)
	/tmp/goker/cockroach1055.go:45 +0x46
main.Cockroach1055.func2.1()
	/tmp/goker/cockroach1055.go:96 +0x30
created by main.Cockroach1055.func2 in goroutine 6
	/tmp/goker/cockroach1055.go:95 +0xf0

goroutine 9 [select (leaked)]:
main.unrelated()
	/tmp/goker/other.go:3 +0x10
created by main.main in goroutine 1
	/tmp/goker/main.go:30 +0x20
`

func TestGorootTruthMatchesLikeTheRuntimeTest(t *testing.T) {
	tc := expectedLeaks{name: "Cockroach1055", patterns: []*regexp.Regexp{
		regexp.MustCompile(`Cockroach1055\.func2\.1\(.* \[chan receive\]`),
		regexp.MustCompile(`Cockroach1055\.func2\.1\(.* \[sync\.Mutex\.Lock\]`),
	}}
	bug, leaked := gorootTruth(leakProfile, tc)
	// 8 is a bug goroutine though the runtime did not mark it; 9 is marked but unexpected;
	// 1 has no `created by` and is never matched.
	if len(bug) != 2 || !bug[7] || !bug[8] {
		t.Errorf("bug = %v, want 7 and 8", bug)
	}
	if len(leaked) != 2 || !leaked[7] || !leaked[9] {
		t.Errorf("leaked = %v, want 7 and 9", leaked)
	}
	rt := score(bug, map[uint64]int{7: certain, 9: certain})
	if rt.Any != certain || rt.All != notAccused || rt.FalseHigh != 1 {
		t.Errorf("runtime outcome = %+v", rt)
	}
}

// A test-timeout dump: two kernel goroutines parked, the test runner and the alarm.
const hungDump = `panic: test timed out after 10s
	running tests:
		TestEtcd6873 (10s)

goroutine 20 [running]:
testing.(*M).startAlarm.func1()
	/usr/local/go/src/testing/testing.go:2802 +0x354
created by time.goFunc
	/usr/local/go/src/time/sleep.go:215 +0x2d

goroutine 1 [chan receive]:
testing.(*T).Run(0xc000003a00, {0x5a1f40?, 0x0?}, 0x5943a8)
	/usr/local/go/src/testing/testing.go:2109 +0x4e5
main.main()
	_testmain.go:48 +0x9b

goroutine 35 [chan receive, 2 minutes]:
gobench.kernel/etcd6873.(*watchBroadcasts).stop(...)
	/tmp/etcd6873/etcd6873_test.go:50
gobench.kernel/etcd6873.TestEtcd6873(0xc000003c00)
	/tmp/etcd6873/etcd6873_test.go:90 +0x9b
testing.tRunner(0xc000003c00, 0x5943a8)
	/usr/local/go/src/testing/testing.go:2036 +0xea
created by testing.(*T).Run in goroutine 1
	/usr/local/go/src/testing/testing.go:2101 +0x4c5

goroutine 36 [sync.Mutex.Lock]:
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:46
gobench.kernel/etcd6873.newWatchBroadcasts.func1()
	/tmp/etcd6873/etcd6873_test.go:30 +0x46
created by gobench.kernel/etcd6873.newWatchBroadcasts
	/tmp/etcd6873/etcd6873_test.go:25 +0x74
`

func TestHungTruthIsTheParkedKernelGoroutines(t *testing.T) {
	gs := parseTracebacks([]byte(hungDump))
	if len(gs) != 4 {
		t.Fatalf("parsed %d goroutines", len(gs))
	}
	if gs[2].state != "chan receive" || gs[3].createdBy != "gobench.kernel/etcd6873.newWatchBroadcasts" {
		t.Errorf("goroutine 35/36 parsed as %+v / %+v", gs[2], gs[3])
	}
	bug, clean := hungTruth(gs, "gobench.kernel/etcd6873")
	if !clean || len(bug) != 2 || !bug[35] || !bug[36] {
		t.Errorf("bug = %v clean = %v", bug, clean)
	}
	// A kernel goroutine asleep: not a clean hang.
	asleep := parseTracebacks([]byte(hungDump + "\ngoroutine 37 [sleep]:\ntime.Sleep(0x3b9aca00)\n\t/usr/local/go/src/runtime/time.go:363 +0x165\ngobench.kernel/etcd6873.poll()\n\t/tmp/etcd6873/etcd6873_test.go:60 +0x1\ncreated by gobench.kernel/etcd6873.TestEtcd6873 in goroutine 35\n\t/tmp/etcd6873/etcd6873_test.go:88 +0x2\n"))
	if _, clean := hungTruth(asleep, "gobench.kernel/etcd6873"); clean {
		t.Error("a sleeping kernel goroutine must make the hang unclean")
	}
	// Kernels written as an external test package name their functions pkg_test.
	external := parseTracebacks([]byte("goroutine 5 [chan receive]:\ngobench.kernel/syncthing5795_test.TestSyncthing5795(0x1)\n\t/tmp/s_test.go:109 +0x165\ntesting.tRunner(0x1, 0x2)\n\t/usr/local/go/src/testing/testing.go:2036 +0xea\ncreated by testing.(*T).Run in goroutine 1\n\t/usr/local/go/src/testing/testing.go:2101 +0x4c5\n"))
	if bug, _ := hungTruth(external, "gobench.kernel/syncthing5795"); !bug[5] {
		t.Errorf("external test package goroutine not counted: %v", bug)
	}
	// The snapshot helper's own goroutines are not the kernel's.
	helper := parseTracebacks([]byte("goroutine 1 [chan receive]:\ngobench.kernel/grpc660.TestMain(0x1)\n\t/tmp/zz.go:29 +0x105\nmain.main()\n\t_testmain.go:48 +0xa5\n"))
	if bug, _ := hungTruth(helper, "gobench.kernel/grpc660"); len(bug) != 0 {
		t.Errorf("TestMain counted as the kernel's: %v", bug)
	}
}

func TestSnapshotTruthNeedsTheSameGoroutineParkedTwice(t *testing.T) {
	first := parseTracebacks([]byte(hungDump))
	second := parseTracebacks([]byte(hungDump))
	second[3].functions = []string{"gobench.kernel/etcd6873.elsewhere"} // 36 moved
	bug, clean := snapshotTruth(first, second, "gobench.kernel/etcd6873")
	if !clean || len(bug) != 1 || !bug[35] {
		t.Errorf("bug = %v clean = %v", bug, clean)
	}
}

func TestAccusationsReadSchemaVersion2(t *testing.T) {
	var r goguardReport
	doc := `{"schema_version": 2, "inputs": [], "findings": [
		{"code": "RT002", "confidence": "high", "goroutines": {"input": "/out/hung-go126/etcd6873.txt", "snapshot": 0, "ids": [35, 36],
		 "groups": [{"ids": [35], "role": "accused"}, {"ids": [1], "role": "involved"}]}},
		{"code": "RT001", "confidence": "low", "goroutines": {"input": "etcd6873.txt", "snapshot": 0, "ids": [36, 1]}},
		{"code": "RT001", "confidence": "certain", "goroutines": {"input": "other.txt", "snapshot": 0, "ids": [20]}}]}`
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		t.Fatal(err)
	}
	acc, err := accusations(r, []string{"/tmp/x/hung-go126/etcd6873.txt"})
	if err != nil {
		t.Fatal(err)
	}
	// Involved goroutines are not accusations; findings on other inputs do not count.
	want := map[uint64]int{35: high, 36: high, 1: low}
	if len(acc) != len(want) {
		t.Fatalf("accused %v, want %v", acc, want)
	}
	for id, rank := range want {
		if acc[id] != rank {
			t.Errorf("goroutine %d at %s, want %s", id, letter[acc[id]], letter[rank])
		}
	}
	o := score(map[uint64]bool{35: true, 36: true}, acc)
	if o.Any != high || o.All != high || o.FalseHigh != 0 || o.FalseMedium != 0 {
		t.Errorf("outcome %+v", o)
	}
	r.SchemaVersion = 1
	if _, err := accusations(r, nil); err == nil {
		t.Error("schema_version 1 must be refused")
	}
}

func TestParseExpectedLeaksSkipsCommentedCases(t *testing.T) {
	src := "package x\nfunc f() {\n\t_ = makeTest(\"A\", `A\\.func1\\(.* \\[chan send\\]`)\n\t// makeTest(\"B\", `B`)\n\t_ = makeFlakyTest(\"C\", `C\\(.* \\[select\\]`, `D`)\n}\n"
	path := t.TempDir() + "/x_test.go"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cases, err := parseExpectedLeaks(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || !cases["A"].simple || cases["C"].simple || len(cases["C"].patterns) != 2 {
		t.Errorf("cases = %+v", cases)
	}
	if !cases["A"].patterns[0].MatchString("A.func1()  7 [chan send]:") {
		t.Error("pattern A does not match its leak string")
	}
}
