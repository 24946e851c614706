package kubeenv

import (
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/proc"
)

// probeTimeout bounds each readiness request, so that one hung request cannot
// eat the whole start timeout.
const probeTimeout = 5 * time.Second

// startEtcd starts etcd on two free loopback ports with its data under the
// environment's directory, waits until it is healthy and returns its client
// URL.
func (e *Env) startEtcd(ctx context.Context, bin string) (string, error) {
	ports, err := proc.FreePorts(ctx, 2)
	if err != nil {
		return "", err
	}
	clientURL := "http://127.0.0.1:" + ports[0]
	peerURL := "http://127.0.0.1:" + ports[1]
	args := []string{
		"--name=kubeenv",
		"--data-dir=" + filepath.Join(e.dir, "etcd"),
		"--listen-client-urls=" + clientURL,
		"--advertise-client-urls=" + clientURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=kubeenv=" + peerURL,
		"--logger=zap",
	}
	var env []string
	if runtime.GOARCH != "amd64" {
		// etcd 3.4 refuses to start on architectures it does not test.
		env = append(env, "ETCD_UNSUPPORTED_ARCH="+runtime.GOARCH)
	}
	p, err := e.procs.Start(e.dir, "etcd", bin, args, env)
	if err != nil {
		return "", err
	}

	hc := &http.Client{Timeout: probeTimeout}
	err = waitFor(ctx, p, "etcd to be healthy", func(ctx context.Context) (bool, error) {
		body, err := proc.Get(ctx, hc, clientURL+"/health")
		return strings.Contains(body, `"health":"true"`), err
	})
	return clientURL, err
}

// startAPIServer starts kube-apiserver on a free loopback port, writes the
// admin kubeconfig and waits until the API server is ready and its default
// namespace exists.
func (e *Env) startAPIServer(ctx context.Context, bin, etcdURL string) error {
	pkiDir := filepath.Join(e.dir, "pki")
	if err := os.Mkdir(pkiDir, 0o700); err != nil {
		return errors.Wrap(err, "cannot create PKI directory")
	}
	certs, err := newPKI(pkiDir)
	if err != nil {
		return err
	}
	ports, err := proc.FreePorts(ctx, 1)
	if err != nil {
		return err
	}
	host := "https://127.0.0.1:" + ports[0]
	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + ports[0],
		"--tls-cert-file=" + certs.servingCert,
		"--tls-private-key-file=" + certs.servingKey,
		"--client-ca-file=" + certs.caFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + certs.saKey,
		"--service-account-signing-key-file=" + certs.saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		// The endpoint reconciler would publish 127.0.0.1 as the endpoint of
		// the kubernetes service, which endpoint validation rejects.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	}
	p, err := e.procs.Start(e.dir, "kube-apiserver", bin, args, nil)
	if err != nil {
		return err
	}
	e.apiserver = p

	e.config = &rest.Config{
		Host: host,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   certs.caPEM,
			CertData: certs.adminCertPEM,
			KeyData:  certs.adminKeyPEM,
		},
		// Tests create objects in bursts; client-go's default of 5 QPS would
		// make them wait on the client, not on the API server.
		QPS:   100,
		Burst: 200,
	}
	e.kubeconfig = filepath.Join(e.dir, "kubeconfig")
	if err := writeKubeconfig(e.kubeconfig, e.config); err != nil {
		return err
	}

	probe := rest.CopyConfig(e.config)
	probe.Timeout = probeTimeout
	cs, err := kubernetes.NewForConfig(probe)
	if err != nil {
		return errors.Wrap(err, "cannot create Kubernetes client")
	}
	return waitFor(ctx, p, "kube-apiserver to be ready", func(ctx context.Context) (bool, error) {
		body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			return false, errors.Wrap(err, "cannot get /readyz")
		}
		if string(body) != "ok" {
			return false, errors.Errorf("/readyz answered %q", body)
		}
		// The API server creates its namespaces just after it becomes
		// ready; tests expect the default one.
		_, err = cs.CoreV1().Namespaces().Get(ctx, metav1.NamespaceDefault, metav1.GetOptions{})
		return err == nil, err
	})
}

// startControllerManager starts kube-controller-manager with the garbage
// collector and namespace controllers and waits until it is healthy.
func (e *Env) startControllerManager(ctx context.Context, bin string) error {
	ports, err := proc.FreePorts(ctx, 1)
	if err != nil {
		return err
	}
	args := []string{
		"--kubeconfig=" + e.kubeconfig,
		"--authentication-kubeconfig=" + e.kubeconfig,
		"--authorization-kubeconfig=" + e.kubeconfig,
		"--controllers=garbagecollector,namespace",
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=" + ports[0],
		"--cert-dir=" + filepath.Join(e.dir, "kube-controller-manager"),
	}
	p, err := e.procs.Start(e.dir, "kube-controller-manager", bin, args, nil)
	if err != nil {
		return err
	}

	// The controller manager serves a certificate it generated itself.
	hc := &http.Client{
		Timeout:   probeTimeout,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // G402: a loopback health probe of a self-signed server.
	}
	return waitFor(ctx, p, "kube-controller-manager to be healthy", func(ctx context.Context) (bool, error) {
		body, err := proc.Get(ctx, hc, "https://127.0.0.1:"+ports[0]+"/healthz")
		return body == "ok", err
	})
}

// writeKubeconfig writes a self-contained kubeconfig for cfg to path.
func writeKubeconfig(path string, cfg *rest.Config) error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["kubeenv"] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthorityData: cfg.CAData,
	}
	kc.AuthInfos[adminUser] = &clientcmdapi.AuthInfo{
		ClientCertificateData: cfg.CertData,
		ClientKeyData:         cfg.KeyData,
	}
	kc.Contexts["kubeenv"] = &clientcmdapi.Context{Cluster: "kubeenv", AuthInfo: adminUser}
	kc.CurrentContext = "kubeenv"
	return errors.Wrapf(clientcmd.WriteToFile(*kc, path), "cannot write kubeconfig %s", path)
}
