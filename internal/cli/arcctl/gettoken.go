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
	"encoding/json"

	"github.com/spf13/cobra"
	clientauthv1 "k8s.io/client-go/pkg/apis/clientauthentication/v1"
)

// getTokenCommand is the kubeconfig credential plugin of the kubeconfigs the hub hands out
// (listClusterUserCredential): it prints the hub token of the configuration as an
// ExecCredential, so that no token is written into a kubeconfig.
func (k *clusterCommands) getTokenCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get-token",
		Short: "Print the hub token as a Kubernetes ExecCredential (kubeconfig credential plugin)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, cfg, err := k.session()
			if err != nil {
				return err
			}
			cred := clientauthv1.ExecCredential{Status: &clientauthv1.ExecCredentialStatus{Token: cfg.Token}}
			cred.APIVersion, cred.Kind = clientauthv1.SchemeGroupVersion.String(), "ExecCredential"
			return json.NewEncoder(k.streams.Out).Encode(cred)
		},
	}
}
