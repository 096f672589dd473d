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

package armclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

const tokensPath = "/kubearc/v1/tokens"

// Token is a user token of the hub. Secret is set only in the answer that created it.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Scope     string     `json:"scope"`
	CreatedAt time.Time  `json:"createdAt"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	Secret    string     `json:"token,omitempty"`
	// Raw is the hub's JSON document.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the typed fields and keeps the document in Raw.
func (t *Token) UnmarshalJSON(data []byte) error {
	type plain Token
	return unmarshalKeeping(data, (*plain)(t), &t.Raw)
}

// MarshalJSON returns the hub's document.
func (t Token) MarshalJSON() ([]byte, error) {
	type plain Token
	return marshalKept(plain(t), t.Raw)
}

// TokenRequest asks for a new token.
type TokenRequest struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Scope string `json:"scope,omitempty"`
	// ExpiresIn is a Go duration such as "720h"; empty means the token does not expire.
	ExpiresIn string `json:"expiresIn,omitempty"`
}

// CreateToken creates a token; the answer carries its secret, which the hub never shows again.
// It is not retried: a retry after a lost answer would create a second token, and the
// secret of the first would be lost with the answer.
func (c *Client) CreateToken(ctx context.Context, tr TokenRequest) (*Token, error) {
	ctx = policy.WithRetryOptions(ctx, policy.RetryOptions{MaxRetries: -1})
	req, err := c.newRequest(ctx, http.MethodPost, tokensPath, nil)
	if err != nil {
		return nil, err
	}
	if err := runtime.MarshalAsJSON(req, tr); err != nil {
		return nil, fmt.Errorf("encoding the token request: %w", err)
	}
	return receive[Token](c, req, "the created token", http.StatusCreated, http.StatusOK)
}

// ListTokens lists the tokens within the caller's scope (Owner only).
func (c *Client) ListTokens(ctx context.Context) ([]Token, error) {
	req, err := c.newRequest(ctx, http.MethodGet, tokensPath, nil)
	if err != nil {
		return nil, err
	}
	list, err := receive[valueList[Token]](c, req, "the token list", http.StatusOK)
	if err != nil {
		return nil, err
	}
	return list.Value, nil
}

// RevokeToken revokes a token by ID; requests made with it are refused from then on.
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	req, err := c.newRequest(ctx, http.MethodDelete, tokensPath+"/"+url.PathEscape(id), nil)
	if err != nil {
		return err
	}
	_, err = c.do(req, http.StatusNoContent, http.StatusOK)
	return err
}

// WhoAmI returns the token the hub takes the client for: its name, role and scope.
func (c *Client) WhoAmI(ctx context.Context) (Token, error) {
	req, err := c.newRequest(ctx, http.MethodGet, "/kubearc/v1/whoami", nil)
	if err != nil {
		return Token{}, err
	}
	resp, err := c.do(req, http.StatusOK)
	if err != nil {
		return Token{}, err
	}
	var t Token
	err = resp.decode(&t)
	return t, err
}
