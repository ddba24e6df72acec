// Query a customer's verification and get a verification link.
// The endpoint comes from BIDCERT_ENDPOINT (an emulator: `bidcert-emulator` prints its URL);
// without it, the production endpoints.
// Run: make go-pc && PKG_CONFIG_PATH=target/ffi/pkgconfig BIDCERT_ENDPOINT=http://127.0.0.1:PORT go run .
// (the staged file is under $CARGO_TARGET_DIR/ffi when that is set); or, with bidcert installed,
// plain `go run .`.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	bidcert "github.com/bidcert/bidcert/go"
)

func main() {
	endpoint := os.Getenv("BIDCERT_ENDPOINT") // "" for production
	// The demo fixture's NORMAL reseller: published test values, not real keys.
	client, err := bidcert.NewClient(bidcert.Config{
		Credentials: &bidcert.Credentials{AccessKeyID: "LTAI5tBidcertDemoNormal", AccessKeySecret: "BidcertDemoNormalSecretNotReal"},
		CRMEndpoint: endpoint,
		AASEndpoint: endpoint,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	info, err := client.QueryCertifiedInfo(ctx, "1000000000000002", bidcert.BidTypeNormal)
	if errors.Is(err, bidcert.ErrBidMismatch) {
		log.Fatal("not our customer")
	} else if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info) // personal data masked

	link, err := client.GenerateCertWaysURL(ctx, bidcert.CertWaysRequest{AliyunPK: "1000000000000001", Platform: bidcert.PlatformH5})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("link: %s (expires %s)\n", link.URL, link.ExpiresAt.Format(time.RFC3339))
	fmt.Printf("clock offset: %v\n", client.ClockOffset())
}
