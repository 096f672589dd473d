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

// Package helmtest serves Helm chart repositories for tests: small charts built in code,
// packaged and indexed in a directory, served by an httptest server.
package helmtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"

	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	repo "helm.sh/helm/v4/pkg/repo/v1"
)

// Repo is a chart repository served over HTTP.
type Repo struct {
	// URL is the repository's base URL, with index.yaml beneath it.
	URL string
	// Downloads counts the chart archives served.
	Downloads atomic.Int64

	server *httptest.Server
}

// NewRepo packages charts into dir, indexes them and serves the directory.
func NewRepo(dir string, charts ...*chartv2.Chart) (*Repo, error) {
	for _, c := range charts {
		if _, err := chartutil.Save(c, dir); err != nil {
			return nil, fmt.Errorf("packaging chart %s %s: %w", c.Metadata.Name, c.Metadata.Version, err)
		}
	}
	r := &Repo{}
	files := http.FileServer(http.Dir(dir))
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if filepath.Ext(req.URL.Path) == ".tgz" {
			r.Downloads.Add(1)
		}
		files.ServeHTTP(w, req)
	}))
	r.URL = r.server.URL
	index, err := repo.IndexDirectory(dir, r.URL)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("indexing %s: %w", dir, err)
	}
	if err := index.WriteFile(filepath.Join(dir, "index.yaml"), 0o600); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Close stops the server.
func (r *Repo) Close() { r.server.Close() }

// ConfigMapChart is a chart that renders one ConfigMap, {{ .Release.Name }}-config in the
// release namespace, whose data holds the chart version and the values greeting and
// auth.password. A broken chart also renders a ConfigMap with an invalid name, which the
// API server rejects.
func ConfigMapChart(name, version string, broken bool) *chartv2.Chart {
	tpl := `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  namespace: {{ .Release.Namespace }}
data:
  chartVersion: {{ .Chart.Version | quote }}
  greeting: {{ .Values.greeting | quote }}
  password: {{ .Values.auth.password | quote }}
  replicas: {{ .Values.replicas | quote }}
`
	values := "greeting: hi\nreplicas: 1\nauth:\n  password: \"\"\n"
	templates := []*common.File{{Name: "templates/configmap.yaml", Data: []byte(tpl)}}
	if broken {
		templates = append(templates, &common.File{Name: "templates/broken.yaml", Data: []byte(`apiVersion: v1
kind: ConfigMap
metadata:
  name: Not_A_Valid_Name
  namespace: {{ .Release.Namespace }}
`)})
	}
	return &chartv2.Chart{
		Metadata: &chartv2.Metadata{APIVersion: chartv2.APIVersionV2, Name: name, Version: version, AppVersion: version, Type: "application"},
		Values: map[string]any{
			"greeting": "hi", "replicas": 1,
			"auth": map[string]any{"password": ""},
		},
		Templates: templates,
		Raw:       []*common.File{{Name: chartutil.ValuesfileName, Data: []byte(values)}},
	}
}
