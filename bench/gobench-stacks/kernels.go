package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// kernel is one GoBench blocking kernel: gobench/goker/blocking/PROJECT/ID/*_test.go.
type kernel struct {
	name    string // "cockroach1055", as GOROOT names its copy
	dir     string // the kernel's directory in the GoBench checkout
	pkgPath string // import path of the temporary module that builds it: gobench.kernel/NAME
	test    string // the test function, "TestCockroach1055"
}

// gobenchKernels lists the blocking kernels of a GoBench checkout, sorted by name.
func gobenchKernels(root string) ([]kernel, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "gobench", "goker", "blocking", "*", "*"))
	if err != nil {
		return nil, err
	}
	var ks []kernel
	for _, d := range dirs {
		tests, _ := filepath.Glob(filepath.Join(d, "*_test.go"))
		if len(tests) == 0 {
			continue
		}
		name := filepath.Base(filepath.Dir(d)) + filepath.Base(d)
		// The first path element has a dot: Go 1.19 cannot build the tests of a module
		// named gobench/NAME ("import of unknown directory").
		k := kernel{name: name, dir: d, pkgPath: kernelPackage(name)}
		for _, t := range tests {
			for _, line := range strings.Split(readFile(t), "\n") {
				if strings.HasPrefix(line, "func Test") {
					k.test = strings.TrimPrefix(line, "func ")
					k.test = k.test[:strings.Index(k.test, "(")]
				}
			}
		}
		if k.test == "" {
			return nil, fmt.Errorf("%s: no test function", d)
		}
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return nil, fmt.Errorf("%s: no kernels under gobench/goker/blocking", root)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].name < ks[j].name })
	return ks, nil
}

// prepareModule copies a kernel's Go files into dir as module k.pkgPath. The module says
// go 1.16: the kernels were written before Go 1.22 made loop variables per-iteration,
// and some bugs depend on the old semantics. extra files (name -> content) are added.
func prepareModule(k kernel, dir string, extra map[string]string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files, _ := filepath.Glob(filepath.Join(k.dir, "*.go"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	gomod := "module " + k.pkgPath + "\n\ngo 1.16\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	for name, content := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// buildTest compiles the module in dir into a test binary with the given toolchain
// ("" = the go command's own).
func buildTest(dir, toolchain, out string) error {
	cmd := exec.Command("go", "test", "-c", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = withToolchain(toolchain)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go test -c in %s: %v\n%s", dir, err, b)
	}
	return nil
}

func withToolchain(toolchain string) []string {
	env := os.Environ()
	if toolchain != "" {
		env = append(env, "GOTOOLCHAIN="+toolchain)
	}
	return env
}

// kernelPackageName returns the package clause of the kernel's test file.
func kernelPackageName(k kernel) string {
	files, _ := filepath.Glob(filepath.Join(k.dir, "*_test.go"))
	for _, line := range strings.Split(readFile(files[0]), "\n") {
		if strings.HasPrefix(line, "package ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "package "))
		}
	}
	return k.name
}

// kernelPackage is the import path a kernel's dumps name its functions by.
func kernelPackage(name string) string { return "gobench.kernel/" + name }
