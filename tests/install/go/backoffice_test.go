// A reseller's own Go module, outside the bidcert repository: it imports the package by its
// path, links the installed libbidcert through pkg-config, and tests against the emulator
// program with bidcerttest.
package backoffice

import (
	"context"
	"errors"
	"testing"

	bidcert "github.com/bidcert/bidcert/go"
	"github.com/bidcert/bidcert/go/bidcerttest"
)

func TestQueryAndLinkAgainstTheEmulator(t *testing.T) {
	emu := bidcerttest.New(t)
	client, err := bidcert.NewClient(bidcert.Config{
		Credentials: &bidcert.Credentials{
			AccessKeyID:     emu.MustDemo(t, "NORMAL_ACCESS_KEY_ID"),
			AccessKeySecret: emu.MustDemo(t, "NORMAL_ACCESS_KEY_SECRET"),
		},
		CRMEndpoint: emu.URL,
		AASEndpoint: emu.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	info, err := client.QueryCertifiedInfo(ctx, emu.MustDemo(t, "PERSONAL_PK"), bidcert.BidTypeNormal)
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsCertified {
		t.Errorf("the demo's personal customer is not certified: %s", info)
	}
	link, err := client.GenerateCertWaysURL(ctx, bidcert.CertWaysRequest{
		AliyunPK: emu.MustDemo(t, "UNVERIFIED_PK"),
		Platform: bidcert.PlatformH5,
	})
	if err != nil {
		t.Fatal(err)
	}
	if link.URL == "" {
		t.Error("an empty link")
	}
	_, err = client.QueryCertifiedInfo(ctx, emu.MustDemo(t, "LIGHTWEIGHT_CUSTOMER_PK"), bidcert.BidTypeNormal)
	if !errors.Is(err, bidcert.ErrBidMismatch) {
		t.Errorf("another reseller's customer: want ErrBidMismatch, got %v", err)
	}
}
