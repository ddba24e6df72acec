package bidcert_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	bidcert "github.com/bidcert/bidcert/go"
)

// A back office on an ECS instance assumes the reseller's role with the instance's own.
// Without Credentials or Provider, NewClient would use the default chain.
func ExampleNewClient_provider() {
	client, err := bidcert.NewClient(bidcert.Config{
		Provider: bidcert.RAMRoleARNProvider{
			Source:   bidcert.ECSRAMRoleProvider{}, // the instance's role, from 100.100.100.200
			RoleARN:  "acs:ram::1900000000000001:role/bidcert-demo-reseller",
			Duration: 15 * time.Minute,
		},
	})
	var e *bidcert.Error
	if errors.As(err, &e) && e.Kind == bidcert.KindCredentials {
		for _, tried := range e.Tried {
			log.Printf("%s: %s", tried.Source, tried.Reason)
		}
		log.Fatal("no credentials")
	} else if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	creds, err := client.Credentials() // refreshed on their own; never the secret
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(creds.Source, creds.Kind, creds.AccessKeyID, creds.Expiration)
	info, err := client.QueryCertifiedInfo(context.Background(), "1000000000000002", bidcert.BidTypeNormal)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.IsCertified)
}
