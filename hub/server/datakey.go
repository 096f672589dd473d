// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//	http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/pkg/seal"
)

// dataKeyFile holds the hub's data key, which seals protected settings at rest. Losing it
// makes stored protected settings unreadable: back it up with the database.
const dataKeyFile = "data.key"

// dataKeyMeta names the store's record of the data key its values are sealed with.
const dataKeyMeta = "data-key"

// dataKeyProof is what the store keeps of its data key: a random canary sealed with it, which
// only that key opens, and a short fingerprint to tell keys apart in an error. Neither gives
// the key away: the key is random, and both are keyed with it.
type dataKeyProof struct {
	Fingerprint string `json:"fingerprint"`
	Canary      string `json:"canary"`
}

// loadDataKey loads (or, on first start, creates) the data key in the data directory and checks
// that it is the key of the store: every replica of a store must share it. A key it created
// but the store refuses is removed again, so that a start after data.key is copied in works.
func (h *Hub) loadDataKey(ctx context.Context) ([]byte, error) {
	key, created, err := loadOrCreateDataKey(h.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := checkDataKey(ctx, h.store, key, created, h.cfg.DataDir); err != nil {
		if created {
			if rerr := os.Remove(filepath.Join(h.cfg.DataDir, dataKeyFile)); rerr != nil {
				err = errors.Join(err, fmt.Errorf("removing the data key it created: %w", rerr))
			}
		}
		return nil, err
	}
	return key, nil
}

// dataKeyStore is what checkDataKey reads: the store's record of its key, and whether it
// holds any resource.
type dataKeyStore interface {
	store.Meta
	ListResources(ctx context.Context, q store.ListQuery) ([]*store.Resource, error)
}

// checkDataKey records the proof of key in st the first time a hub starts on it, and
// otherwise checks that key opens the recorded canary. A key just created in dir (created) is
// refused on a store that holds resources: they were written with another key, which a store
// written before the record was kept (an upgrade) does not name.
func checkDataKey(ctx context.Context, st dataKeyStore, key []byte, created bool, dir string) error {
	if created {
		if err := refuseNewKeyOnData(ctx, st, dir); err != nil {
			return err
		}
	}
	mine, err := newDataKeyProof(key)
	if err != nil {
		return err
	}
	held, err := st.InitMeta(ctx, dataKeyMeta, mine)
	if err != nil {
		return fmt.Errorf("checking the data key against the store: %w", err)
	}
	var proof dataKeyProof
	if err := json.Unmarshal([]byte(held), &proof); err != nil {
		return fmt.Errorf("the store's record of its data key is damaged: %w", err)
	}
	if _, err := seal.OpenWithKey(key, proof.Canary); err != nil {
		if created {
			return missingDataKey(dir, proof.Fingerprint)
		}
		return fmt.Errorf("%s does not match the key this store was sealed with (fingerprint %s, %s has %s); "+
			"copy %s from another replica's data directory (docs/replicas.md)",
			dataKeyFile, proof.Fingerprint, dataKeyFile, dataKeyFingerprint(key), dataKeyFile)
	}
	return nil
}

// refuseNewKeyOnData refuses a key just created in dir when st holds any resource: one
// resource, read by the primary key, is enough to tell.
func refuseNewKeyOnData(ctx context.Context, st dataKeyStore, dir string) error {
	some, err := st.ListResources(ctx, store.ListQuery{Limit: 1})
	if err != nil {
		return fmt.Errorf("checking whether the store holds data: %w", err)
	}
	if len(some) > 0 {
		return missingDataKey(dir, "")
	}
	return nil
}

// missingDataKey is the refusal of a key created in dir for a store sealed with another one,
// whose fingerprint is known when the store recorded it.
func missingDataKey(dir, fingerprint string) error {
	sealedWith := "a key"
	if fingerprint != "" {
		sealedWith = "a key (fingerprint " + fingerprint + ")"
	}
	return fmt.Errorf("%s is missing from %s but the store already holds data sealed with %s; "+
		"copy %s from the hub or replica that wrote this store (docs/replicas.md)", dataKeyFile, dir, sealedWith, dataKeyFile)
}

// newDataKeyProof seals a random canary with key, as JSON for the store.
func newDataKeyProof(key []byte) (string, error) {
	canary, err := seal.WithKey(key, []byte(rand.Text()))
	if err != nil {
		return "", fmt.Errorf("sealing the data key's canary: %w", err)
	}
	data, err := json.Marshal(dataKeyProof{Fingerprint: dataKeyFingerprint(key), Canary: canary})
	return string(data), err
}

// dataKeyFingerprint names a data key without giving it away: the first 8 bytes of an HMAC
// keyed with it.
func dataKeyFingerprint(key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("kubearc data key fingerprint"))
	return hex.EncodeToString(mac.Sum(nil)[:8])
}

// loadOrCreateDataKey reads the data key from dir, creating it (mode 0600, created true) when
// there is none.
func loadOrCreateDataKey(dir string) (key []byte, created bool, err error) {
	path := filepath.Join(dir, dataKeyFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createDataKey(path)
		return key, err == nil, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the data key: %w", err)
	}
	key, err = hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) != seal.KeySize {
		return nil, false, fmt.Errorf("the data key %s is damaged: it must hold %d hex-encoded bytes; restore it from a backup", path, seal.KeySize)
	}
	return key, false, nil
}

func createDataKey(path string) ([]byte, error) {
	key, err := seal.NewKey()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating the data key: %w", err)
	}
	_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return nil, fmt.Errorf("writing the data key %s: %w", path, err)
	}
	return key, nil
}
