package web_test

import (
	"net/http"
	"testing"
)

// BenchmarkPoll measures the hot path: an API client polling one request,
// through the real router, middleware and database.
//
//	go test -run '^$' -bench Poll -benchtime 3s ./web/
func BenchmarkPoll(b *testing.B) {
	a := setup(b, withRateLimit(1_000_000_000))
	_, key := a.workspace("growth")
	id := field(a.create(key, purchased("Bench")).json(b), "line._id").(string)
	url := a.srv.URL + "/api/line-requests/" + id
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("poll: %d", res.StatusCode)
				return
			}
		}
	})
}
