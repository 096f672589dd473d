// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package arcctl

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// defaultProxyPort is the local port of 'az connectedk8s proxy'.
const defaultProxyPort = 47011

// proxyOptions are the flags of 'connectedk8s proxy'.
type proxyOptions struct {
	clusterRef
	token string
	port  int
	file  string
}

func (k *clusterCommands) proxyCommand() *cobra.Command {
	o := &proxyOptions{}
	cmd := &cobra.Command{
		Use:   "proxy -n NAME -g GROUP [--token TOKEN] [--port PORT] [--file KUBECONFIG]",
		Short: "Reach a connected cluster's API server through the hub (cluster connect)",
		Long: "proxy serves a local proxy on 127.0.0.1:PORT that forwards Kubernetes API requests\n" +
			"through the hub to the cluster, with your hub token, and writes a kubeconfig context\n" +
			"(named after the cluster) that points at it, so kubectl works as usual. In the cluster\n" +
			"the requests run as kubearc:token:<your token's name>, unless --token passes a\n" +
			"Kubernetes (e.g. service account) token, which is then used unchanged. Any local\n" +
			"process can use the proxy while it runs, as with kubectl proxy.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return k.runProxy(cmd.Context(), o) },
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.token, "token", "", "Kubernetes bearer token (e.g. a service account's) to use in the cluster instead of impersonation")
	cmd.Flags().IntVar(&o.port, "port", defaultProxyPort, "local port of the proxy (0: any free port)")
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "kubeconfig file to write the context to (default: $KUBECONFIG's first file or ~/.kube/config)")
	return cmd
}

// runProxy serves the proxy until ctx ends (Ctrl+C).
func (k *clusterCommands) runProxy(ctx context.Context, o *proxyOptions) error {
	client, cfg, id, err := k.resolveWithConfig(o.clusterRef)
	if err != nil {
		return err
	}
	raw, err := client.ListClusterUserCredential(ctx, id)
	if err != nil {
		return fmt.Errorf("getting the cluster's proxy endpoint: %w", err)
	}
	target, caPEM, err := proxyTarget(raw, id)
	if err != nil {
		return err
	}
	handler, err := newLocalProxy(target, caPEM, cfg.Token, o.token)
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(o.port)))
	if err != nil {
		return fmt.Errorf("listening on 127.0.0.1:%d: %w; pick another --port", o.port, err)
	}
	file := o.file
	if file == "" {
		file = clientcmd.NewDefaultPathOptions().GetDefaultFilename()
	}
	if err := writeProxyContext(file, id, "http://"+ln.Addr().String()); err != nil {
		_ = ln.Close()
		return err
	}
	fmt.Fprintf(k.streams.Err, "Proxy for %s listening on %s; kubeconfig context %q in %s. Press Ctrl+C to stop.\n",
		id.Name, ln.Addr(), id.Name, file)
	if o.token == "" {
		k.printProxyIdentity(ctx, client)
	}
	return serveUntil(ctx, ln, handler)
}

// printProxyIdentity says who the requests run as in the cluster and which RoleBinding makes
// them allowed, since the cluster's RBAC decides and a new user's first kubectl answers Forbidden.
func (k *clusterCommands) printProxyIdentity(ctx context.Context, client *armclient.Client) {
	who, err := client.WhoAmI(ctx)
	if err != nil {
		return // the proxy works without the hint
	}
	user := "kubearc:token:" + who.Name
	fmt.Fprintf(k.streams.Err, "In the cluster, requests run as user %q (groups kubearc:users, kubearc:role:%s);\n"+
		"the cluster's RBAC decides. If kubectl answers Forbidden, a cluster admin binds a role, e.g.:\n"+
		"  kubectl create clusterrolebinding %s-view --clusterrole view --user %s\n",
		user, strings.ToLower(who.Role), rbacName(who.Name), user)
}

// rbacName makes a token name usable in a binding's name (lower case, no colons).
func rbacName(name string) string {
	return strings.NewReplacer(":", "-", "_", "-").Replace(strings.ToLower(name))
}

// proxyTarget reads the hub's proxy URL and CA from the kubeconfig the hub answered.
func proxyTarget(raw []byte, id armid.ClusterID) (*url.URL, []byte, error) {
	kc, err := clientcmd.Load(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the hub's kubeconfig: %w", err)
	}
	cluster, ok := kc.Clusters[id.Name]
	if !ok {
		return nil, nil, fmt.Errorf("the hub's kubeconfig has no cluster %q", id.Name)
	}
	u, err := url.Parse(cluster.Server)
	if err != nil || u.Scheme != "https" {
		return nil, nil, fmt.Errorf("the hub's proxy endpoint %q is not an https URL", cluster.Server)
	}
	return u, cluster.CertificateAuthorityData, nil
}

// newLocalProxy forwards to target with the hub token; a cluster token goes in the header
// the hub passes on to the cluster. Whatever Authorization the local client sent is dropped.
func newLocalProxy(target *url.URL, caPEM []byte, hubToken, clusterToken string) (http.Handler, error) {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	if len(caPEM) > 0 {
		tlsConfig.RootCAs = x509.NewCertPool()
		if !tlsConfig.RootCAs.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("the hub's kubeconfig holds no valid CA certificate")
		}
	}
	return localOnly(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Header.Del("Authorization")
			pr.Out.Header.Del(protocol.HeaderClusterToken)
			pr.Out.Header.Set("Authorization", "Bearer "+hubToken)
			if clusterToken != "" {
				pr.Out.Header.Set(protocol.HeaderClusterToken, clusterToken)
			}
		},
		// Upgrades (exec, port-forward) need HTTP/1.1 to the hub.
		Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, TLSClientConfig: tlsConfig,
			MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second, DisableCompression: true},
		FlushInterval: -1,
	}), nil
}

// localOnly refuses requests whose Host is not a loopback name: a web page whose name
// resolves to 127.0.0.1 (DNS rebinding) must not reach the cluster through the proxy, as
// kubectl proxy's --accept-hosts guards.
func localOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isLoopbackHost(r.Host) {
			http.Error(w, "the proxy only serves requests for 127.0.0.1 or localhost", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// writeProxyContext writes or merges into file a context named after the cluster that
// points at the local proxy, and makes it current. It holds no secret.
func writeProxyContext(file string, id armid.ClusterID, server string) error {
	kc, err := clientcmd.LoadFromFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		kc, err = clientcmdapi.NewConfig(), nil
	}
	if err != nil {
		return fmt.Errorf("reading the kubeconfig %s: %w", file, err)
	}
	user := "clusterUser_" + id.ResourceGroup + "_" + id.Name
	kc.Clusters[id.Name] = &clientcmdapi.Cluster{Server: server}
	kc.AuthInfos[user] = &clientcmdapi.AuthInfo{}
	kc.Contexts[id.Name] = &clientcmdapi.Context{Cluster: id.Name, AuthInfo: user}
	kc.CurrentContext = id.Name
	if err := clientcmd.WriteToFile(*kc, file); err != nil {
		return fmt.Errorf("writing the kubeconfig %s: %w", file, err)
	}
	return nil
}

// serveUntil serves handler on ln until ctx ends.
func serveUntil(ctx context.Context, ln net.Listener, handler http.Handler) error {
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving the proxy: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	return nil
}
