// Command e2e measures what one query costs the calling process end to end, as CPU time
// (user + system, from getrusage), for three clients in the same run against one emulator in
// another process: bidcert's Go client, alibaba-cloud-sdk-go's CommonRequest client, and a
// bare net/http POST of URLs bidcert signed beforehand (the floor: HTTP alone). A fourth line,
// the floor sent the way bidcert's driver sends (a context with the attempt's timeout, the
// engine's headers, a bounded read), separates what the engine costs from what the shape of
// the request does.
//
// The clients take turns in batches (-batch queries each, the order rotating every round), so
// that a change of load on the machine during a run weighs on all of them alike.
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
	only := flag.String("only", "", "measure only the clients whose name contains this")
	batch := flag.Int("batch", 500, "queries per client before the next takes its turn")
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
		{"net/http POST (floor)", func() (func(int) error, func()) { return floor(url, *n+warmup, false) }},
		{"bidcert Go client", func() (func(int) error, func()) { return bidcertClient(url) }},
		{"alibaba-cloud-sdk-go CommonRequest", func() (func(int) error, func()) { return sdkClient(url) }},
		{"floor, sent as bidcert sends", func() (func(int) error, func()) { return floor(url, *n+warmup, true) }},
	}
	fmt.Printf("%d queries per client and run, in turns of %d; CPU time of this process (user+sys); emulator pinned to CPU %q\n",
		*n, *batch, *emulatorCPU)
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
		var measured []*measuring
		for _, c := range clients {
			if strings.Contains(c.name, *only) {
				query, done := c.query()
				defer done()
				measured = append(measured, &measuring{name: c.name, query: query})
			}
		}
		for _, m := range measured {
			m.warmUp()
		}
		for round := 0; round*(*batch) < *n; round++ {
			k := min(*batch, *n-round*(*batch))
			for j := range measured {
				measured[(round+j)%len(measured)].measure(k)
			}
		}
		perRequest := map[string]float64{}
		for _, m := range measured {
			us := float64(m.cpu.Microseconds()) / float64(m.done)
			perRequest[m.name] = us
			fmt.Printf("run %d  %-36s %7.1f µs CPU/request  (%5.0f requests/s wall)\n",
				run, m.name, us, float64(m.done)/m.wall.Seconds())
		}
		if *only != "" {
			continue
		}
		floorUS := perRequest[clients[0].name]
		fmt.Printf("run %d  bidcert / floor = %.2fx   sdk-go / floor = %.2fx   (floor sent as bidcert sends: %.2fx)\n", run,
			perRequest[clients[1].name]/floorUS, perRequest[clients[2].name]/floorUS, perRequest[clients[3].name]/floorUS)
	}
}

const warmup = 200

// measuring is one client's share of a run: the queries it made and the process CPU and wall
// time they took.
type measuring struct {
	name      string
	query     func(int) error
	next      int
	done      int
	cpu, wall time.Duration
}

func (m *measuring) warmUp() {
	for ; m.next < warmup; m.next++ {
		if err := m.query(m.next); err != nil {
			log.Fatalf("%s: warm-up query %d: %v", m.name, m.next, err)
		}
	}
}

// measure runs k more queries and adds what they took.
func (m *measuring) measure(k int) {
	runtime.GC()
	before, start := cpuTime(), time.Now()
	for i := 0; i < k; i++ {
		if err := m.query(m.next); err != nil {
			log.Fatalf("%s: query %d: %v", m.name, m.next, err)
		}
		m.next++
	}
	m.cpu += cpuTime() - before
	m.wall += time.Since(start)
	m.done += k
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
// reads each body: the HTTP exchange alone. With asBidcert, each POST is made as bidcert's
// driver makes it: with a context carrying the attempt's timeout and connect timeout, the
// headers the engine hands out, and a read bounded by the body limit.
func floor(url string, n int, asBidcert bool) (func(int) error, func()) {
	signer, err := bidcert.NewSigner(bidcert.Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret})
	if err != nil {
		log.Fatal(err)
	}
	defer signer.Close()
	if err := signer.SetEndpoint(bidcert.ProductCRM, url); err != nil {
		log.Fatal(err)
	}
	urls := make([]string, n)
	for i := range urls {
		req, err := signer.SignQuery(pk, bidcert.BidTypeNormal, nil)
		if err != nil {
			log.Fatal(err)
		}
		urls[i] = req.URL
	}
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	type connectTimeout struct{}
	return func(i int) error {
		var resp *http.Response
		var err error
		if asBidcert {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ctx = context.WithValue(ctx, connectTimeout{}, 5*time.Second)
			req, _ := http.NewRequestWithContext(ctx, "POST", urls[i], http.NoBody)
			req.Header = http.Header{"Accept": {"application/json"}, "User-Agent": {"bidcert/0.1.0"}}
			resp, err = client.Do(req)
		} else {
			resp, err = client.Post(urls[i], "", nil)
		}
		if err != nil {
			return err
		}
		var body []byte
		if asBidcert {
			body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20+1))
		} else {
			body, err = io.ReadAll(resp.Body)
		}
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
