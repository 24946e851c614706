package stack

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	pkgv1 "github.com/crossplane/crossplane/apis/v2/pkg/v1"

	"github.com/cfzt/cfzt/test/proc"
)

// runtimeInterval is how often the stack plays the package runtime for new
// package revisions.
const runtimeInterval = time.Second

// functionStartTimeout bounds how long the function may take to listen.
const functionStartTimeout = 30 * time.Second

// A certificate is a PEM encoded certificate, its key and the CA that
// signed it.
type certificate struct {
	cert, key, ca []byte
}

// loadRootCA reads the CA that `crossplane core init` created. It signed the
// client certificate Crossplane presents to functions, and signs the
// certificates the stack serves.
func (s *Stack) loadRootCA(ctx context.Context) error {
	sec := &corev1.Secret{}
	if err := s.kube.Get(ctx, types.NamespacedName{Namespace: CrossplaneNamespace, Name: rootCASecret}, sec); err != nil {
		return errors.Wrapf(err, "cannot get Crossplane's root CA Secret %s/%s", CrossplaneNamespace, rootCASecret)
	}
	ca, err := tls.X509KeyPair(sec.Data[corev1.TLSCertKey], sec.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		return errors.Wrapf(err, "cannot read the CA of Secret %s/%s", CrossplaneNamespace, rootCASecret)
	}
	if ca.Leaf, err = x509.ParseCertificate(ca.Certificate[0]); err != nil {
		return errors.Wrap(err, "cannot parse Crossplane's root CA certificate")
	}
	s.ca, s.caPEM = &ca, sec.Data[corev1.TLSCertKey]
	return nil
}

// issue returns a serving certificate for localhost and 127.0.0.1 signed by
// Crossplane's root CA.
func (s *Stack) issue(cn string) (certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return certificate{}, errors.Wrap(err, "cannot generate a key")
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return certificate{}, errors.Wrap(err, "cannot generate a serial number")
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", cn},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.ca.Leaf, &key.PublicKey, s.ca.PrivateKey)
	if err != nil {
		return certificate{}, errors.Wrapf(err, "cannot sign a certificate for %s", cn)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return certificate{}, errors.Wrap(err, "cannot encode a key")
	}
	return certificate{
		cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		key:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		ca:   s.caPEM,
	}, nil
}

// data returns the certificate as the data of a kubernetes.io/tls Secret
// with a CA, the layout of Crossplane's TLS Secrets and of the directory
// function-sdk-go reads from TLS_SERVER_CERTS_DIR.
func (c certificate) data() map[string][]byte {
	return map[string][]byte{corev1.TLSCertKey: c.cert, corev1.TLSPrivateKeyKey: c.key, "ca.crt": c.ca}
}

// startFunction serves the function binary on a free loopback port with mTLS:
// Crossplane presents a client certificate signed by its root CA and expects
// a server certificate signed by the same CA.
func (s *Stack) startFunction(ctx context.Context, bin packagedBinary) error {
	if err := s.loadRootCA(ctx); err != nil {
		return err
	}
	var err error
	if s.functionCert, err = s.issue("function-cfzt"); err != nil {
		return err
	}
	if s.providerCert, err = s.issue("provider-cfzt"); err != nil {
		return err
	}
	certs := filepath.Join(s.dir, "function-certs")
	if err := os.MkdirAll(certs, 0o700); err != nil {
		return errors.Wrapf(err, "cannot create %s", certs)
	}
	for name, data := range s.functionCert.data() {
		if err := os.WriteFile(filepath.Join(certs, name), data, 0o600); err != nil {
			return errors.Wrapf(err, "cannot write %s", name)
		}
	}
	ports, err := proc.FreePorts(ctx, 2)
	if err != nil {
		return err
	}
	s.functionAddr = "127.0.0.1:" + ports[0]
	s.progressf("starting the function on %s", s.functionAddr)
	p, err := s.procs.Start(s.dir, string(Function), bin.path, append(bin.args,
		"--debug",
		"--address="+s.functionAddr,
		"--metrics-address=127.0.0.1:"+ports[1],
	), []string{"TLS_SERVER_CERTS_DIR=" + certs})
	if err != nil {
		return err
	}
	ready := func(ctx context.Context) error {
		return s.Poll(ctx, "the function to listen on "+s.functionAddr, func(ctx context.Context) (bool, error) {
			c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", s.functionAddr)
			if err != nil {
				return false, err
			}
			_ = c.Close()
			return true, nil
		})
	}
	s.addComponent(Function, p, ready)
	ctx, cancel := context.WithTimeout(ctx, functionStartTimeout)
	defer cancel()
	return ready(ctx)
}

// FunctionEndpoint returns the gRPC target of the function the stack runs.
func (s *Stack) FunctionEndpoint() string {
	return "dns:///" + s.functionAddr
}

// playRuntime does for every active provider and function revision what
// Crossplane's Kubernetes package runtime would, until ctx is done: it
// creates the revision's TLS server Secret and records it in the revision's
// status, without which Crossplane v2.4 does not install the package's
// objects, and it points each FunctionRevision at the function the stack
// runs. With the External runtime nothing else does either.
func (s *Stack) playRuntime(ctx context.Context) {
	for {
		if err := s.reconcileRevisions(ctx); err != nil && ctx.Err() == nil {
			s.runtimeErr.Store(err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(runtimeInterval):
		}
	}
}

func (s *Stack) reconcileRevisions(ctx context.Context) error {
	fl := &pkgv1.FunctionRevisionList{}
	if err := s.kube.List(ctx, fl); err != nil {
		return errors.Wrap(err, "cannot list FunctionRevisions")
	}
	for i := range fl.Items {
		r := &fl.Items[i]
		if r.GetDesiredState() != pkgv1.PackageRevisionActive {
			continue
		}
		secret, err := s.ensureServerSecret(ctx, r, s.functionCert)
		if err != nil {
			return err
		}
		if r.Status.Endpoint == s.FunctionEndpoint() && ptr.Deref(r.GetObservedTLSServerSecretName(), "") == secret {
			continue
		}
		orig := r.DeepCopy()
		r.Status.Endpoint = s.FunctionEndpoint()
		r.SetObservedTLSServerSecretName(&secret)
		if err := s.kube.Status().Patch(ctx, r, client.MergeFrom(orig)); err != nil {
			return errors.Wrapf(err, "cannot patch the status of FunctionRevision %s", r.GetName())
		}
		s.progressf("pointed FunctionRevision %s at %s", r.GetName(), s.FunctionEndpoint())
	}

	pl := &pkgv1.ProviderRevisionList{}
	if err := s.kube.List(ctx, pl); err != nil {
		return errors.Wrap(err, "cannot list ProviderRevisions")
	}
	for i := range pl.Items {
		r := &pl.Items[i]
		if r.GetDesiredState() != pkgv1.PackageRevisionActive {
			continue
		}
		secret, err := s.ensureServerSecret(ctx, r, s.providerCert)
		if err != nil {
			return err
		}
		if ptr.Deref(r.GetObservedTLSServerSecretName(), "") == secret {
			continue
		}
		orig := r.DeepCopy()
		r.SetObservedTLSServerSecretName(&secret)
		if err := s.kube.Status().Patch(ctx, r, client.MergeFrom(orig)); err != nil {
			return errors.Wrapf(err, "cannot patch the status of ProviderRevision %s", r.GetName())
		}
	}
	return nil
}

// ensureServerSecret creates the TLS server Secret of a revision, holding c,
// and returns its name. Crossplane reads its tls.crt as the CA bundle of
// conversion webhooks. The name is the one Crossplane's Kubernetes runtime
// gives it; with the External runtime the revision's spec names none.
func (s *Stack) ensureServerSecret(ctx context.Context, r pkgv1.PackageRevisionWithRuntime, c certificate) (string, error) {
	name := ptr.Deref(r.GetTLSServerSecretName(), "")
	if name == "" {
		parent := r.GetLabels()[pkgv1.LabelParentPackage]
		if parent == "" {
			parent = r.GetName()
		}
		name = *pkgv1.GetSecretNameWithSuffix(parent, pkgv1.TLSServerSecretNameSuffix)
	}
	sec := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: CrossplaneNamespace, Name: name},
		Type:       corev1.SecretTypeTLS,
		Data:       c.data(),
	}
	err := s.kube.Create(ctx, sec)
	if err == nil || kerrors.IsAlreadyExists(err) {
		return name, nil
	}
	return "", errors.Wrapf(err, "cannot create TLS server Secret %s/%s of %s", CrossplaneNamespace, name, r.GetName())
}
