package managedctrl

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// listOptsClient records the options of each List.
type listOptsClient struct {
	client.Client
	got *client.ListOptions
}

func (c listOptsClient) List(_ context.Context, _ client.ObjectList, opts ...client.ListOption) error {
	c.got.ApplyOptions(opts)
	return nil
}

// clientManager is a manager that has only a client.
type clientManager struct {
	ctrl.Manager
	c client.Client
}

func (m clientManager) GetClient() client.Client { return m.c }

func TestSharedLists(t *testing.T) {
	type want struct {
		Unsafe bool
		Labels string
	}
	cases := map[string]struct {
		reason string
		client func(client.Client) client.Client
		want   want
	}{
		"Client": {
			reason: "A list through SharedLists asks the cache for its objects without deep copies, and keeps the caller's options.",
			client: SharedLists,
			want:   want{Unsafe: true, Labels: "a=b"},
		},
		"Manager": {
			reason: "The client of a SharedListsManager lists the same way.",
			client: func(c client.Client) client.Client { return SharedListsManager(clientManager{c: c}).GetClient() },
			want:   want{Unsafe: true, Labels: "a=b"},
		},
		"Plain": {
			reason: "Without it a list is a deep copy, as controller-runtime's default.",
			client: func(c client.Client) client.Client { return c },
			want:   want{Labels: "a=b"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := &client.ListOptions{}
			c := tc.client(listOptsClient{got: got})
			if err := c.List(context.Background(), &v1alpha1.ProviderConfigUsageList{}, client.MatchingLabels{"a": "b"}); err != nil {
				t.Fatal(err)
			}
			unsafe := got.UnsafeDisableDeepCopy != nil && *got.UnsafeDisableDeepCopy
			if diff := cmp.Diff(tc.want, want{Unsafe: unsafe, Labels: got.LabelSelector.String()}); diff != "" {
				t.Errorf("\n%s\nlist options: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
