package servicetoken

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	clientfake "sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func newKube(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return clientfake.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
}

func getSecret(t *testing.T, kube client.Client) *corev1.Secret {
	t.Helper()
	s := &corev1.Secret{}
	if err := kube.Get(context.Background(), types.NamespacedName{Namespace: "apps", Name: "cfzt-svctoken-app"}, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPublish(t *testing.T) {
	previous := now.Add(24 * time.Hour)
	mg := serviceToken(withExternalName(tokenID), withObserved(), withStatus(func(o *v1alpha1.ServiceTokenObservation) {
		o.PreviousSecretExpiresAt = timePtr(previous)
	}))
	mg.SetUID("uid-1")
	kube := newKube(t)
	e := &external{kube: kube}
	d := managed.ConnectionDetails{KeyClientID: []byte(clientID), KeyClientSecret: []byte(rotated)}
	if err := e.publish(context.Background(), mg, d); err != nil {
		t.Fatal(err)
	}
	s := getSecret(t, kube)
	wantAnnotations := map[string]string{
		AnnotationExpiresAt:                     "2027-01-10T12:00:00Z",
		AnnotationPreviousClientSecretExpiresAt: "2026-01-02T12:00:00Z",
	}
	if diff := cmp.Diff(wantAnnotations, s.GetAnnotations()); diff != "" {
		t.Errorf("publish writes the expiry annotations with the data: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]byte(d), s.Data); diff != "" {
		t.Errorf("publish writes the keys client_id and client_secret only: -want, +got:\n%s", diff)
	}
	if len(s.OwnerReferences) != 1 || s.OwnerReferences[0].UID != "uid-1" {
		t.Errorf("the connection Secret is controlled by its ServiceToken: got owners %v", s.OwnerReferences)
	}

	// A refresh publishes no data: the secret stays.
	mg.Status.AtProvider.ExpiresAt = timePtr(expires.Add(time.Hour))
	if err := e.publish(context.Background(), mg, nil); err != nil {
		t.Fatal(err)
	}
	s = getSecret(t, kube)
	if diff := cmp.Diff("2027-01-10T13:00:00Z", s.GetAnnotations()[AnnotationExpiresAt]); diff != "" {
		t.Errorf("publish without data updates the expiry: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(rotated, string(s.Data[KeyClientSecret])); diff != "" {
		t.Errorf("publish without data keeps the secret: -want, +got:\n%s", diff)
	}
}

func TestPollWritesNoSecret(t *testing.T) {
	mg := serviceToken(withExternalName(tokenID))
	mg.SetUID("uid-1")
	existing := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "cfzt-svctoken-app", Annotations: map[string]string{AnnotationExpiresAt: "2027-01-10T12:00:00Z"}},
		Data:       full,
	}
	existing.SetOwnerReferences([]metav1.OwnerReference{meta.AsController(meta.TypedReferenceTo(mg, v1alpha1.ServiceTokenGroupVersionKind))})
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	writes := 0
	kube := clientfake.NewClientBuilder().WithScheme(s).WithObjects(existing).WithInterceptorFuncs(interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			writes++
			return c.Create(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
			writes++
			return c.Patch(ctx, obj, p, opts...)
		},
	}).Build()
	e := &external{cf: tokenGetter(cloudToken()), secrets: kube, kube: kube, now: clock}
	o, err := e.Observe(context.Background(), mg)
	if err != nil {
		t.Fatal(err)
	}
	// What the managed reconciler does with them after every Observe.
	published, err := managed.NewAPISecretPublisher(kube, s).PublishConnection(context.Background(), mg, o.ConnectionDetails)
	if err != nil {
		t.Fatal(err)
	}
	if published || writes != 0 {
		t.Errorf("a poll of an up to date token publishes its connection Secret: published %t, %d writes; want none", published, writes)
	}
	if diff := cmp.Diff(full, getSecret(t, kube).Data); diff != "" {
		t.Errorf("the connection Secret's data: -want, +got:\n%s", diff)
	}
}

func TestObserveAnnotates(t *testing.T) {
	existing := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "cfzt-svctoken-app"},
		Data:       full,
	}
	kube := newKube(t, existing)
	e := &external{cf: tokenGetter(cloudToken()), secrets: kube, kube: kube, now: clock}
	if _, err := e.Observe(context.Background(), serviceToken(withExternalName(tokenID))); err != nil {
		t.Fatal(err)
	}
	s := getSecret(t, kube)
	if diff := cmp.Diff(map[string]string{AnnotationExpiresAt: "2027-01-10T12:00:00Z"}, s.GetAnnotations()); diff != "" {
		t.Errorf("Observe brings the connection Secret's annotations up to date: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(full, s.Data); diff != "" {
		t.Errorf("Observe leaves the data alone: -want, +got:\n%s", diff)
	}
}

func TestKeepStatus(t *testing.T) {
	mg := serviceToken(withExternalName(tokenID), withRecorded(func(o *v1alpha1.ServiceTokenObservation) { o.Rotated = "r1" }))
	// The API server's reply to the update carries its own, empty, status.
	u := keepStatus{managed.NewRetryingCriticalAnnotationUpdater(&test.MockClient{MockUpdate: func(_ context.Context, obj client.Object, _ ...client.UpdateOption) error {
		obj.(*v1alpha1.ServiceToken).Status = v1alpha1.ServiceTokenStatus{}
		return nil
	}})}
	if err := u.UpdateCriticalAnnotations(context.Background(), mg); err != nil {
		t.Fatal(err)
	}
	want := v1alpha1.ServiceTokenObservation{ClientID: clientID, ExpiresAt: timePtr(expires), Rotated: "r1"}
	if diff := cmp.Diff(want, mg.Status.AtProvider); diff != "" {
		t.Errorf("updating the critical annotations keeps what Create recorded: -want, +got:\n%s", diff)
	}
}
