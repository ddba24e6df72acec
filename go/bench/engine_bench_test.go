package bench

import (
	"net/http"
	"testing"

	bidcert "github.com/bidcert/bidcert/go"
)

// One query through the engine with a canned answer: everything the Go client does per call
// except the HTTP exchange (operation, call, signed attempt, feeding, result, frees).
func BenchmarkEngineRoundTrip_Bidcert(b *testing.B) {
	client, err := bidcert.NewClient(bidcert.Config{Credentials: &bidcert.Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret}})
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	body := []byte(`{"requestId":"R","result":"{\"aliyunPk\":\"1234567890123456\",\"isCertified\":\"1\",\"name\":\"Zhang San\",\"phone\":\"13800000002\",\"certType\":\"0\",\"certNumber\":\"110101199001010022\",\"accountCertType\":\"personal\"}"}`)
	header := http.Header{"Date": {"Mon, 23 Nov 2026 08:00:00 GMT"}, "X-Acs-Request-Id": {"R"}, "Content-Type": {"application/json"}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op, err := bidcert.NewQueryOperation(pk, bidcert.BidTypeNormal)
		if err != nil {
			b.Fatal(err)
		}
		call, err := client.NewCall(op)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := call.NextRequest(nil); err != nil {
			b.Fatal(err)
		}
		d, err := call.FeedResponse(200, header, body, nil)
		if err != nil || d.Kind != bidcert.Done {
			b.Fatal(d, err)
		}
		info, err := call.CertifiedInfo()
		if err != nil || !info.IsCertified {
			b.Fatal(err)
		}
		call.Close()
		op.Close()
	}
}
