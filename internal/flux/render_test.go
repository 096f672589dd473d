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

package flux

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	"github.com/fluxcd/pkg/apis/meta"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

func config(mutate func(*arcv1alpha1.GitOpsConfiguration)) *arcv1alpha1.GitOpsConfiguration {
	cfg := &arcv1alpha1.GitOpsConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "kubearc-system"},
		Spec: arcv1alpha1.GitOpsConfigurationSpec{
			Scope: arcv1alpha1.GitOpsScopeCluster, Namespace: "flux-web",
			GitRepository: &arcv1alpha1.GitRepositorySource{
				URL: "https://git.example.com/org/web", RepositoryRef: arcv1alpha1.RepositoryRef{Branch: "main"},
			},
			Kustomizations: []arcv1alpha1.KustomizationSpec{{Name: "app", Path: "./deploy"}},
		},
	}
	if mutate != nil {
		mutate(cfg)
	}
	return cfg
}

func TestRenderGitRepository(t *testing.T) {
	minute := &metav1.Duration{Duration: time.Minute}
	tests := []struct {
		name      string
		cfg       *arcv1alpha1.GitOpsConfiguration
		protected map[string][]byte
		want      sourcev1.GitRepositorySpec
	}{{
		name: "defaults, no credentials",
		cfg:  config(nil),
		want: sourcev1.GitRepositorySpec{
			URL: "https://git.example.com/org/web", Interval: metav1.Duration{Duration: 10 * time.Minute},
			Timeout: &metav1.Duration{Duration: 10 * time.Minute}, Reference: &sourcev1.GitRepositoryRef{Branch: "main"},
		},
	}, {
		name: "semver, intervals, suspended, https credentials",
		cfg: config(func(c *arcv1alpha1.GitOpsConfiguration) {
			c.Spec.Suspend = true
			c.Spec.GitRepository.RepositoryRef = arcv1alpha1.RepositoryRef{Semver: ">=1.0.0"}
			c.Spec.GitRepository.SyncInterval, c.Spec.GitRepository.Timeout = minute, minute
			c.Spec.GitRepository.HTTPSUser = "bot"
		}),
		protected: map[string][]byte{ProtectedHTTPSKey: []byte("s3cret")},
		want: sourcev1.GitRepositorySpec{
			URL: "https://git.example.com/org/web", Interval: *minute, Timeout: minute, Suspend: true,
			Reference: &sourcev1.GitRepositoryRef{SemVer: ">=1.0.0"},
			SecretRef: &meta.LocalObjectReference{Name: "web-auth"},
		},
	}, {
		name: "localAuthRef wins over protected settings",
		cfg: config(func(c *arcv1alpha1.GitOpsConfiguration) {
			c.Spec.GitRepository.LocalAuthRef = "my-git-secret"
			c.Spec.GitRepository.RepositoryRef = arcv1alpha1.RepositoryRef{Commit: "0123456789abcdef0123456789abcdef01234567"}
		}),
		protected: map[string][]byte{ProtectedSSHPrivateKey: []byte("key")},
		want: sourcev1.GitRepositorySpec{
			URL: "https://git.example.com/org/web", Interval: metav1.Duration{Duration: 10 * time.Minute},
			Timeout:   &metav1.Duration{Duration: 10 * time.Minute},
			Reference: &sourcev1.GitRepositoryRef{Commit: "0123456789abcdef0123456789abcdef01234567"},
			SecretRef: &meta.LocalObjectReference{Name: "my-git-secret"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := Render(tt.cfg, tt.protected)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			repo := objs.GitRepository
			if !reflect.DeepEqual(repo.Spec, tt.want) {
				t.Errorf("GitRepository spec = %+v, want %+v", repo.Spec, tt.want)
			}
			if repo.Name != "web" || repo.Namespace != "flux-web" || repo.Labels[LabelConfiguration] != "web" ||
				repo.Labels[LabelConfigurationNamespace] != "kubearc-system" {
				t.Errorf("GitRepository %s/%s labels %v: want flux-web/web labelled with its configuration",
					repo.Namespace, repo.Name, repo.Labels)
			}
		})
	}
}

func TestRenderAuthSecret(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*arcv1alpha1.GitOpsConfiguration)
		protected map[string][]byte
		want      map[string]string // nil: no Secret
		wantErr   string
	}{
		{name: "public repository", want: nil},
		{
			name: "ssh key and known hosts",
			mutate: func(c *arcv1alpha1.GitOpsConfiguration) {
				c.Spec.GitRepository.SSHKnownHosts = "host ssh-ed25519 AAAA"
			},
			protected: map[string][]byte{ProtectedSSHPrivateKey: []byte("PEM")},
			want:      map[string]string{"identity": "PEM", "known_hosts": "host ssh-ed25519 AAAA"},
		},
		{
			name: "https user, key and CA",
			mutate: func(c *arcv1alpha1.GitOpsConfiguration) {
				c.Spec.GitRepository.HTTPSUser, c.Spec.GitRepository.HTTPSCACert = "bot", "CA"
			},
			protected: map[string][]byte{ProtectedHTTPSKey: []byte("token")},
			want:      map[string]string{"username": "bot", "password": "token", "ca.crt": "CA"},
		},
		{
			name:      "bearer token",
			protected: map[string][]byte{ProtectedBearerToken: []byte("tok")},
			want:      map[string]string{"bearerToken": "tok"},
		},
		{
			name:      "https key without user",
			protected: map[string][]byte{ProtectedHTTPSKey: []byte("token")},
			wantErr:   "set httpsUser",
		},
		{
			name:      "local auth ref: no Secret of ours",
			mutate:    func(c *arcv1alpha1.GitOpsConfiguration) { c.Spec.GitRepository.LocalAuthRef = "mine" },
			protected: map[string][]byte{ProtectedSSHPrivateKey: []byte("PEM")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := Render(config(tt.mutate), tt.protected)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Render error = %v, want an ErrInvalidSpec saying %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "token") {
					t.Errorf("the error %q shows the protected setting", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if tt.want == nil {
				if objs.AuthSecret != nil {
					t.Fatalf("AuthSecret = %v, want none", objs.AuthSecret.Name)
				}
				return
			}
			got := map[string]string{}
			for k, v := range objs.AuthSecret.Data {
				got[k] = string(v)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("AuthSecret data = %v, want %v", got, tt.want)
			}
			if objs.AuthSecret.Name != "web-auth" || objs.AuthSecret.Namespace != "flux-web" {
				t.Errorf("AuthSecret is %s/%s, want flux-web/web-auth", objs.AuthSecret.Namespace, objs.AuthSecret.Name)
			}
		})
	}
}

func TestRenderKustomizations(t *testing.T) {
	boolFalse := false
	cfg := config(func(c *arcv1alpha1.GitOpsConfiguration) {
		c.Spec.Scope = arcv1alpha1.GitOpsScopeNamespace
		c.Spec.Kustomizations = []arcv1alpha1.KustomizationSpec{
			{Name: "infra", Path: "./infra", Prune: true, Force: true, RetryInterval: &metav1.Duration{Duration: time.Minute}},
			{
				Name: "apps", Path: "./apps", DependsOn: []string{"infra"}, Wait: &boolFalse,
				PostBuild: &arcv1alpha1.KustomizationPostBuild{
					Substitute:     map[string]string{"cluster": "blue"},
					SubstituteFrom: []arcv1alpha1.SubstituteFrom{{Kind: "ConfigMap", Name: "vars", Optional: true}},
				},
			},
		}
	})
	objs, err := Render(cfg, nil)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	ten := metav1.Duration{Duration: 10 * time.Minute}
	want := []kustomizev1.KustomizationSpec{{
		Interval: ten, Timeout: &ten, RetryInterval: &metav1.Duration{Duration: time.Minute},
		Path: "./infra", Prune: true, Force: true, Wait: true, TargetNamespace: "flux-web",
		SourceRef: kustomizev1.CrossNamespaceSourceReference{Kind: "GitRepository", Name: "web"},
	}, {
		Interval: ten, Timeout: &ten, Path: "./apps", Wait: false, TargetNamespace: "flux-web",
		DependsOn: []meta.DependencyReference{{Name: "web-infra"}},
		SourceRef: kustomizev1.CrossNamespaceSourceReference{Kind: "GitRepository", Name: "web"},
		PostBuild: &kustomizev1.PostBuild{
			Substitute:     map[string]string{"cluster": "blue"},
			SubstituteFrom: []kustomizev1.SubstituteReference{{Kind: "ConfigMap", Name: "vars", Optional: true}},
		},
	}}
	if len(objs.Kustomizations) != len(want) {
		t.Fatalf("got %d Kustomizations, want %d", len(objs.Kustomizations), len(want))
	}
	for i, k := range objs.Kustomizations {
		if !reflect.DeepEqual(k.Spec, want[i]) {
			t.Errorf("Kustomization %s spec = %+v\nwant %+v", k.Name, k.Spec, want[i])
		}
	}
	if names := []string{objs.Kustomizations[0].Name, objs.Kustomizations[1].Name}; !reflect.DeepEqual(names, []string{"web-infra", "web-apps"}) {
		t.Errorf("Kustomization names = %v, want <configuration>-<kustomization>", names)
	}
}

func TestRenderRejectsCycles(t *testing.T) {
	cfg := config(func(c *arcv1alpha1.GitOpsConfiguration) {
		c.Spec.Kustomizations = []arcv1alpha1.KustomizationSpec{
			{Name: "a", DependsOn: []string{"b"}}, {Name: "b", DependsOn: []string{"c"}}, {Name: "c", DependsOn: []string{"a"}},
		}
	})
	_, err := Render(cfg, nil)
	if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), "a -> b -> c -> a") {
		t.Fatalf("Render error = %v, want an ErrInvalidSpec naming the cycle a -> b -> c -> a", err)
	}
}
