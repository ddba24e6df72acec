// Command e2e measures what one query costs the calling process end to end, as CPU time
// (user + system, from getrusage), for three clients in the same run against one emulator in
// another process: bidcert's Go client, alibaba-cloud-sdk-go's CommonRequest client, and a
// bare net/http POST of URLs bidcert signed beforehand (the floor: HTTP alone).
//
// `make go-bench` runs it pinned to CPU 0, with the emulator pinned to CPU 1.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	bidcert "github.com/bidcert/bidcert/go"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// The demo fixture's NORMAL reseller and a verified customer: published test values.
const (
	accessKeyID     = "LTAI5tBidcertDemoNormal"
	accessKeySecret = "BidcertDemoNormalSecretNotReal"
	pk              = "1000000000000002"
)

func main() {
	emulator := flag.String("emulator", os.Getenv("BIDCERT_EMULATOR"), "the bidcert-emulator binary")
	emulatorCPU := flag.String("emulator-cpu", "1", "the CPU list taskset pins the emulator to ('' for none)")
	n := flag.Int("n", 5000, "queries per client and run")
	runs := flag.Int("runs", 2, "runs")
	only := flag.String("only", "", "measure only the client whose name contains this")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured loops here")
	flag.Parse()
	if *emulator == "" {
		log.Fatal("no emulator: set BIDCERT_EMULATOR or -emulator")
	}
	url, stop := startEmulator(*emulator, *emulatorCPU)
	defer stop()

	clients := []struct {
		name  string
		query func() (func(i int) error, func())
	}{
		{"net/http POST (floor)", func() (func(int) error, func()) { return floor(url, *n) }},
		{"bidcert Go client", func() (func(int) error, func()) { return bidcertClient(url) }},
		{"alibaba-cloud-sdk-go CommonRequest", func() (func(int) error, func()) { return sdkClient(url) }},
	}
	fmt.Printf("%d queries per client, CPU time of this process (user+sys); emulator pinned to CPU %q\n", *n, *emulatorCPU)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	for run := 1; run <= *runs; run++ {
		perRequest := map[string]float64{}
		for _, c := range clients {
			if !strings.Contains(c.name, *only) {
				continue
			}
			query, done := c.query()
			cpu, wall := measure(query, *n)
			done()
			us := float64(cpu.Microseconds()) / float64(*n)
			perRequest[c.name] = us
			fmt.Printf("run %d  %-36s %7.1f µs CPU/request  (%5.0f requests/s wall)\n",
				run, c.name, us, float64(*n)/wall.Seconds())
		}
		floorUS := perRequest[clients[0].name]
		if *only != "" {
			continue
		}
		fmt.Printf("run %d  bidcert / floor = %.2fx   sdk-go / floor = %.2fx\n", run,
			perRequest[clients[1].name]/floorUS, perRequest[clients[2].name]/floorUS)
	}
}

// measure runs a warm-up, then n queries, and returns the process CPU time and wall time
// they took.
func measure(query func(int) error, n int) (time.Duration, time.Duration) {
	const warmup = 200
	for i := 0; i < warmup; i++ {
		if err := query(i); err != nil {
			log.Fatalf("warm-up query %d: %v", i, err)
		}
	}
	runtime.GC()
	before, start := cpuTime(), time.Now()
	for i := 0; i < n; i++ {
		if err := query(warmup + i); err != nil {
			log.Fatalf("query %d: %v", i, err)
		}
	}
	return cpuTime() - before, time.Since(start)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startEmulator runs the emulator (pinned with taskset when cpu is set) and reads its URL
// from the first line it prints.
func startEmulator(path, cpu string) (string, func()) {
	args := []string{path}
	if cpu != "" {
		args = append([]string{"taskset", "-c", cpu}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	var first struct {
		URL string `json:"url"`
	}
	if err != nil || json.Unmarshal([]byte(line), &first) != nil || first.URL == "" {
		cmd.Process.Kill()
		log.Fatalf("the emulator printed %q (%v)", line, err)
	}
	return first.URL, func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
}

// floor POSTs URLs bidcert signed before the clock started (each with its own nonce), and
// reads each body: the HTTP exchange alone.
func floor(url string, n int) (func(int) error, func()) {
	signer, err := bidcert.NewSigner(bidcert.Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret})
	if err != nil {
		log.Fatal(err)
	}
	defer signer.Close()
	if err := signer.SetEndpoint(bidcert.ProductCRM, url); err != nil {
		log.Fatal(err)
	}
	urls := make([]string, n+200)
	for i := range urls {
		req, err := signer.SignQuery(pk, bidcert.BidTypeNormal, nil)
		if err != nil {
			log.Fatal(err)
		}
		urls[i] = req.URL
	}
	client := &http.Client{}
	return func(i int) error {
		resp, err := client.Post(urls[i], "", nil)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 || !strings.Contains(string(body), "result") {
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
		}
		return nil
	}, client.CloseIdleConnections
}

func bidcertClient(url string) (func(int) error, func()) {
	client, err := bidcert.NewClient(bidcert.Config{
		Credentials: &bidcert.Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret},
		CRMEndpoint: url, AASEndpoint: url,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	return func(int) error {
		info, err := client.QueryCertifiedInfo(ctx, pk, bidcert.BidTypeNormal)
		if err == nil && !info.IsCertified {
			err = fmt.Errorf("%s is not certified", pk)
		}
		return err
	}, func() { client.Close() }
}

func sdkClient(url string) (func(int) error, func()) {
	client, err := sdk.NewClientWithAccessKey("cn-hangzhou", accessKeyID, accessKeySecret)
	if err != nil {
		log.Fatal(err)
	}
	host := strings.TrimPrefix(url, "http://")
	return func(int) error {
		req := requests.NewCommonRequest()
		req.Method = "POST"
		req.Scheme = "http"
		req.Domain = host
		req.Version = "2015-04-08"
		req.ApiName = "QueryBidUserCertifiedInfo"
		req.QueryParams["PK"] = pk
		req.QueryParams["BidType"] = "NORMAL"
		resp, err := client.ProcessCommonRequest(req)
		if err != nil {
			return err
		}
		if !resp.IsSuccess() || !strings.Contains(resp.GetHttpContentString(), "result") {
			return fmt.Errorf("HTTP %d: %s", resp.GetHttpStatus(), resp.GetHttpContentString())
		}
		return nil
	}, client.Shutdown
}
