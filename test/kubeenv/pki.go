package kubeenv

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// adminUser is the identity of the admin client certificate. Its group
// system:masters is bound to cluster-admin by the API server's bootstrap RBAC
// policy.
const adminUser = "kubeenv-admin"

// pki holds the PEM files of the control plane and the admin's credentials.
type pki struct {
	caFile       string // CA of the serving and client certificates
	servingCert  string // kube-apiserver serving certificate
	servingKey   string
	adminCert    string // client certificate of adminUser in system:masters
	adminKey     string
	saKey        string // service account token signing key
	caPEM        []byte
	adminCertPEM []byte
	adminKeyPEM  []byte
}

// newPKI generates a CA, a serving certificate for the loopback addresses, an
// admin client certificate and a service account signing key, and writes them
// under dir.
func newPKI(dir string) (*pki, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, errors.Wrap(err, "cannot generate CA key")
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kubeenv-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, errors.Wrap(err, "cannot create CA certificate")
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, errors.Wrap(err, "cannot parse CA certificate")
	}

	issue := func(serial int64, tmpl *x509.Certificate) (certPEM, keyPEM []byte, err error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, errors.Wrap(err, "cannot generate key")
		}
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore = now.Add(-time.Hour)
		tmpl.NotAfter = now.Add(24 * time.Hour)
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return nil, nil, errors.Wrapf(err, "cannot create certificate for %q", tmpl.Subject.CommonName)
		}
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return nil, nil, errors.Wrap(err, "cannot marshal key")
		}
		return pemBlock("CERTIFICATE", der), pemBlock("EC PRIVATE KEY", keyDER), nil
	}

	servingCert, servingKey, err := issue(2, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	})
	if err != nil {
		return nil, err
	}
	adminCert, adminKey, err := issue(3, &x509.Certificate{
		Subject:     pkix.Name{CommonName: adminUser, Organization: []string{"system:masters"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return nil, err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, errors.Wrap(err, "cannot generate service account signing key")
	}
	saKeyDER, err := x509.MarshalECPrivateKey(saKey)
	if err != nil {
		return nil, errors.Wrap(err, "cannot marshal service account signing key")
	}

	p := &pki{
		caFile:       filepath.Join(dir, "ca.crt"),
		servingCert:  filepath.Join(dir, "apiserver.crt"),
		servingKey:   filepath.Join(dir, "apiserver.key"),
		adminCert:    filepath.Join(dir, "admin.crt"),
		adminKey:     filepath.Join(dir, "admin.key"),
		saKey:        filepath.Join(dir, "sa.key"),
		caPEM:        pemBlock("CERTIFICATE", caDER),
		adminCertPEM: adminCert,
		adminKeyPEM:  adminKey,
	}
	files := map[string][]byte{
		p.caFile:      p.caPEM,
		p.servingCert: servingCert,
		p.servingKey:  servingKey,
		p.adminCert:   adminCert,
		p.adminKey:    adminKey,
		p.saKey:       pemBlock("EC PRIVATE KEY", saKeyDER),
	}
	for path, data := range files {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, errors.Wrapf(err, "cannot write %s", path)
		}
	}
	return p, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
