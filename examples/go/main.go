// Query a customer's verification and get a verification link, against the local emulator.
// Run: make ffi-lib && cd examples/go && go run .
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"bidcert"
)

func main() {
	emu, err := bidcert.StartEmulator()
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()

	// The demo fixture's NORMAL reseller: published test values, not real keys.
	client, err := bidcert.NewClient(bidcert.Config{
		Credentials: &bidcert.Credentials{AccessKeyID: "LTAI5tBidcertDemoNormal", AccessKeySecret: "BidcertDemoNormalSecretNotReal"},
		CRMEndpoint: emu.URL,
		AASEndpoint: emu.URL,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	info, err := client.QueryCertifiedInfo(ctx, "1000000000000002", bidcert.BidTypeNormal)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info) // personal data masked

	link, err := client.GenerateCertWaysURL(ctx, bidcert.CertWaysRequest{AliyunPK: "1000000000000001", Platform: bidcert.PlatformH5})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("link: %s (expires %s)\n", link.URL, link.ExpiresAt.Format(time.RFC3339))
}
