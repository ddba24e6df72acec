// Package bench compares signing through cgo (bidcert) with the Alibaba Cloud Go SDK's own
// RPC signer, on the same request in the same run. A separate module so that only
// `make bench` fetches the SDK.
package bench

import (
	"strings"
	"testing"

	bidcert "github.com/bidcert/bidcert/go"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

const (
	accessKeyID     = "LTAI5tBidcertBenchKey"
	accessKeySecret = "BidcertBenchSecretNotReal"
	pk              = "1234567890123456"
)

var sink string

// The whole of signing one QueryBidUserCertifiedInfo request (fresh timestamp and nonce,
// canonicalization, HMAC-SHA1, the URL to send), through cgo, results copied into Go.
func BenchmarkSignQuery_Bidcert(b *testing.B) {
	signer, err := bidcert.NewSigner(bidcert.Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret})
	if err != nil {
		b.Fatal(err)
	}
	defer signer.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, err := signer.SignQuery(pk, bidcert.BidTypeNormal, nil)
		if err != nil {
			b.Fatal(err)
		}
		sink = req.URL
	}
}

// The same request signed by the SDK: what its client does per attempt before sending.
func BenchmarkSignQuery_AlibabaCloudSDK(b *testing.B) {
	provider := credentials.NewStaticAKCredentialsProvider(accessKeyID, accessKeySecret)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := requests.NewCommonRequest()
		req.Method = "POST"
		req.Scheme = "https"
		req.Domain = "crm-cn-hangzhou.aliyuncs.com"
		req.Version = "2015-04-08"
		req.ApiName = "QueryBidUserCertifiedInfo"
		req.QueryParams["PK"] = pk
		req.QueryParams["BidType"] = "NORMAL"
		req.TransToAcsRequest()
		if err := auth.Sign(req, nil, "cn-hangzhou", provider); err != nil {
			b.Fatal(err)
		}
		sink = req.BuildUrl()
	}
}

// Both sign the same request; a sanity check that the benchmarks measure like work.
func TestBothSignTheSameRequest(t *testing.T) {
	signer, err := bidcert.NewSigner(bidcert.Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret})
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	ours, err := signer.SignQuery(pk, bidcert.BidTypeNormal, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := requests.NewCommonRequest()
	req.Method, req.Scheme, req.Domain = "POST", "https", "crm-cn-hangzhou.aliyuncs.com"
	req.Version, req.ApiName = "2015-04-08", "QueryBidUserCertifiedInfo"
	req.QueryParams["PK"], req.QueryParams["BidType"] = pk, "NORMAL"
	req.TransToAcsRequest()
	if err := auth.Sign(req, nil, "cn-hangzhou", credentials.NewStaticAKCredentialsProvider(accessKeyID, accessKeySecret)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"PK=" + pk, "BidType=NORMAL", "Action=QueryBidUserCertifiedInfo", "Signature="} {
		if !strings.Contains(ours.URL, p) || !strings.Contains(req.BuildUrl(), p) {
			t.Errorf("%s missing: %s | %s", p, ours.URL, req.BuildUrl())
		}
	}
}
