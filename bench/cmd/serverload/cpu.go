package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
)

// clockTick is the unit of /proc CPU times (USER_HZ, 100 on Linux).
const clockTick = 100.0

// cpuSample is the CPU time used so far by the devserver, by this process
// (load generator and subscribers) and by the whole machine.
type cpuSample struct {
	server, self float64 // seconds of user+system time
	busy, total  float64 // machine: non-idle and all seconds, summed over CPUs
	ok           bool    // /proc was readable (Linux)
}

func sampleCPU(serverPID int) cpuSample {
	srv, err1 := procCPU(strconv.Itoa(serverPID))
	self, err2 := procCPU("self")
	busy, total, err3 := machineCPU()
	return cpuSample{server: srv, self: self, busy: busy, total: total, ok: err1 == nil && err2 == nil && err3 == nil}
}

// procCPU reads utime+stime of a process from /proc/<pid>/stat.
func procCPU(pid string) (float64, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after its ')' are fixed.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%s/stat: no ')'", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%s/stat: %d fields", pid, len(f))
	}
	// f[0] is field 3 (state): utime and stime are fields 14 and 15.
	ut, err := strconv.ParseFloat(f[11], 64)
	if err != nil {
		return 0, err
	}
	st, err := strconv.ParseFloat(f[12], 64)
	if err != nil {
		return 0, err
	}
	return (ut + st) / clockTick, nil
}

// machineCPU reads the "cpu" line of /proc/stat: busy (all but idle and
// iowait) and total seconds over all CPUs.
func machineCPU() (busy, total float64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	for i, s := range f[1:] {
		if i >= 8 { // guest time is already counted in user
			break
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, 0, err
		}
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy / clockTick, total / clockTick, nil
}

// cpuShare is what the CPU did during a load window.
type cpuShare struct {
	ServerCores  float64 `json:"server_cores"`  // devserver CPU seconds / wall seconds
	LoadgenCores float64 `json:"loadgen_cores"` // this process (senders + subscribers)
	OtherCores   float64 `json:"other_cores"`   // every other process on the machine
	IdleCores    float64 `json:"idle_cores"`
	ServerUsPost float64 `json:"server_us_per_post"` // devserver CPU µs per successful post
}

func shareOf(a, b cpuSample, wall float64, posts int64) *cpuShare {
	if !a.ok || !b.ok || wall <= 0 {
		return nil
	}
	srv, self := b.server-a.server, b.self-a.self
	busy, total := b.busy-a.busy, b.total-a.total
	s := &cpuShare{
		ServerCores: srv / wall, LoadgenCores: self / wall,
		OtherCores: max(0, busy-srv-self) / wall, IdleCores: max(0, total-busy) / wall,
	}
	if posts > 0 {
		s.ServerUsPost = srv / float64(posts) * 1e6
	}
	return s
}

// profileSelf starts a CPU profile of this process (the load generator).
func profileSelf(file string) (stop func(), err error) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// peakRSSMB is a process's peak resident set (VmHWM), in MB; 0 if unknown.
func peakRSSMB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v) // "12345 kB"
			if len(f) == 2 && f[1] == "kB" {
				kb, _ := strconv.ParseFloat(f[0], 64)
				return kb * 1024 / 1e6
			}
		}
	}
	return 0
}
