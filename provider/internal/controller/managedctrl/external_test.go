package managedctrl

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

const policyID = "pol-1"

var (
	errMissing = &cloudflare.NotFoundError{Kind: "Access policy", Name: "cfzt-app.example.com-allow"}
	errForeign = &cloudflare.NotOwnedError{Kind: "Access application for", Name: "app.example.com", ID: "legacy"}
)

// policy returns an AccessPolicy whose external name is id, or which has
// none when id is "".
func policy(id string) *v1alpha1.AccessPolicy {
	p := &v1alpha1.AccessPolicy{}
	if id != "" {
		meta.SetExternalName(p, id)
	}
	return p
}

// checkErr compares err with want and, when msg is set, its message.
func checkErr(t *testing.T, reason, call string, want error, msg string, err error) {
	t.Helper()
	if diff := cmp.Diff(want, err, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("\n%s\n%s(...): -want error, +got error:\n%s", reason, call, diff)
	}
	if msg != "" && (err == nil || err.Error() != msg) {
		t.Errorf("\n%s\n%s(...): want error %q, got %v", reason, call, msg, err)
	}
}

func TestGet(t *testing.T) {
	type want struct {
		o     string
		found bool
		asked []string
		err   error
		msg   string
	}
	cases := map[string]struct {
		reason string
		mg     *v1alpha1.AccessPolicy
		err    error
		want   want
	}{
		"Found": {
			reason: "The object the external name identifies is returned.",
			mg:     policy(policyID),
			want:   want{o: "policy", found: true, asked: []string{policyID}},
		},
		"NoExternalName": {
			reason: "Without an external name there is nothing to read yet, and Cloudflare is not asked.",
			mg:     policy(""),
		},
		"Gone": {
			reason: "An object deleted after it was created is not found, with no error, so that it is created again.",
			mg:     policy(policyID),
			err:    errMissing,
			want:   want{asked: []string{policyID}},
		},
		"Error": {
			reason: "Any other error is returned, naming the kind of object and its ID.",
			mg:     policy(policyID),
			err:    errBoom,
			want:   want{asked: []string{policyID}, err: errBoom, msg: `cannot get Access policy "pol-1": boom`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var asked []string
			o, found, err := Get(context.Background(), tc.mg, "Access policy", func(_ context.Context, id string) (string, error) {
				asked = append(asked, id)
				if tc.err != nil {
					return "", tc.err
				}
				return "policy", nil
			})
			checkErr(t, tc.reason, "Get", tc.want.err, tc.want.msg, err)
			if diff := cmp.Diff(tc.want.o, o); diff != "" {
				t.Errorf("\n%s\nGet(...): -want object, +got object:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.found, found); diff != "" {
				t.Errorf("\n%s\nGet(...): -want found, +got found:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.asked, asked); diff != "" {
				t.Errorf("\n%s\nGet(...): -want IDs read, +got IDs read:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestFindOrCreate(t *testing.T) {
	type want struct {
		o       string
		created bool
		creates int
		err     error
	}
	cases := map[string]struct {
		reason    string
		found     string
		findErr   error
		createErr error
		want      want
	}{
		"Adopt": {
			reason: "Our object, which a create whose reply was lost made, is returned and not created twice.",
			found:  "ours",
			want:   want{o: "ours"},
		},
		"Create": {
			reason:  "When the find reports that there is none, one is created.",
			findErr: errMissing,
			want:    want{o: "new", created: true, creates: 1},
		},
		"Foreign": {
			reason:  "An object of someone else in the way is returned as the find's error: it is neither adopted nor created next to.",
			findErr: errForeign,
			want:    want{err: errForeign},
		},
		"FindError": {
			reason:  "A failed find is returned without creating: the object may exist.",
			findErr: errBoom,
			want:    want{err: errBoom},
		},
		"CreateError": {
			reason:    "A failed create is returned, and nothing is reported created.",
			findErr:   errMissing,
			createErr: errBoom,
			want:      want{creates: 1, err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			creates := 0
			o, created, err := FindOrCreate(context.Background(),
				func(context.Context) (string, error) { return tc.found, tc.findErr },
				func(context.Context) (string, error) {
					creates++
					if tc.createErr != nil {
						return "", tc.createErr
					}
					return "new", nil
				})
			checkErr(t, tc.reason, "FindOrCreate", tc.want.err, "", err)
			if diff := cmp.Diff(tc.want.o, o); diff != "" {
				t.Errorf("\n%s\nFindOrCreate(...): -want object, +got object:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.created, created); diff != "" {
				t.Errorf("\n%s\nFindOrCreate(...): -want created, +got created:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.creates, creates); diff != "" {
				t.Errorf("\n%s\nFindOrCreate(...): -want creates, +got creates:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	type want struct {
		deleted []string
		err     error
		msg     string
	}
	cases := map[string]struct {
		reason string
		mg     *v1alpha1.AccessPolicy
		err    error
		want   want
	}{
		"Deleted": {
			reason: "The object the external name identifies is deleted.",
			mg:     policy(policyID),
			want:   want{deleted: []string{policyID}},
		},
		"NeverCreated": {
			reason: "Without an external name there is nothing to delete, and Cloudflare is not asked.",
			mg:     policy(""),
			err:    errBoom,
		},
		"AlreadyGone": {
			reason: "An object already gone is not an error.",
			mg:     policy(policyID),
			err:    errMissing,
			want:   want{deleted: []string{policyID}},
		},
		"Error": {
			reason: "A failed delete is returned with the kind's message, so that it is retried.",
			mg:     policy(policyID),
			err:    errBoom,
			want:   want{deleted: []string{policyID}, err: errBoom, msg: `cannot delete it "pol-1": boom`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var deleted []string
			_, err := Delete(context.Background(), tc.mg, func(_ context.Context, id string) error {
				deleted = append(deleted, id)
				return tc.err
			}, "cannot delete it %q")
			checkErr(t, tc.reason, "Delete", tc.want.err, tc.want.msg, err)
			if diff := cmp.Diff(tc.want.deleted, deleted); diff != "" {
				t.Errorf("\n%s\nDelete(...): -want IDs deleted, +got IDs deleted:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(xpv2.Deleting(), tc.mg.GetCondition(xpv2.TypeReady)); diff != "" {
				t.Errorf("\n%s\nDelete(...): -want Ready condition, +got Ready condition:\n%s", tc.reason, diff)
			}
		})
	}
}
