package bench

import (
	"bufio"
	"bytes"
	"context"
	"strconv"
	"strings"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// kubeRequests reads how many requests the kube-apiserver has answered, by
// verb and resource, from its apiserver_request_total metric.
type kubeRequests func(ctx context.Context) (map[string]int, error)

// kubeRequestsOf returns the kubeRequests of the API server cfg reaches.
func kubeRequestsOf(cfg *rest.Config) (kubeRequests, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, errors.Wrap(err, "cannot create a client for the API server's metrics")
	}
	return func(ctx context.Context) (map[string]int, error) {
		b, err := cs.RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
		if err != nil {
			return nil, errors.Wrap(err, "cannot read the API server's metrics")
		}
		return parseRequestTotals(b)
	}, nil
}

// parseRequestTotals sums apiserver_request_total by verb, resource and
// subresource, such as "PUT dnsrecords/status". Watches are left out: one
// lasts for minutes and says nothing about load.
func parseRequestTotals(metrics []byte) (map[string]int, error) {
	out := map[string]int{}
	s := bufio.NewScanner(bytes.NewReader(metrics))
	s.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for s.Scan() {
		line := s.Text()
		rest, ok := strings.CutPrefix(line, "apiserver_request_total{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok {
			return nil, errors.Errorf("cannot parse metric line %q", line)
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot parse the value of metric line %q", line)
		}
		l := parseLabels(labels)
		if l["verb"] == "WATCH" {
			continue
		}
		what := l["resource"]
		if sub := l["subresource"]; sub != "" {
			what += "/" + sub
		}
		out[l["verb"]+" "+what] += int(v)
	}
	return out, errors.Wrap(s.Err(), "cannot read the API server's metrics")
}

// parseLabels parses name="value" pairs separated by commas. Label values
// of this metric hold no quotes or commas.
func parseLabels(s string) map[string]string {
	out := map[string]string{}
	for kv := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			out[k] = strings.Trim(v, `"`)
		}
	}
	return out
}

// since returns the requests of now that were not yet in before.
func since(before, now map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range now {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// total is the sum of the counts.
func total(counts map[string]int) int {
	n := 0
	for _, v := range counts {
		n += v
	}
	return n
}
