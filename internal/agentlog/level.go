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

package agentlog

import (
	"fmt"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/kubearc/kubearc/pkg/protocol"
)

// ParseLevel returns the level of a protocol level name (debug, info, warn, error), to
// change at run time.
func ParseLevel(name string) (zap.AtomicLevel, error) {
	l, err := parseLevel(name)
	if err != nil {
		return zap.AtomicLevel{}, err
	}
	return zap.NewAtomicLevelAt(l), nil
}

// LevelSetter returns the function that changes level, at once, to a protocol level name;
// the empty name restores the level it has now (the agent's --shipped-log-level).
func LevelSetter(level zap.AtomicLevel) func(name string) error {
	initial := level.Level()
	return func(name string) error {
		if name == "" {
			level.SetLevel(initial)
			return nil
		}
		l, err := parseLevel(name)
		if err != nil {
			return err
		}
		level.SetLevel(l)
		return nil
	}
}

func parseLevel(name string) (zapcore.Level, error) {
	levels := map[string]zapcore.Level{protocol.LogLevelDebug: zapcore.DebugLevel, protocol.LogLevelInfo: zapcore.InfoLevel,
		protocol.LogLevelWarn: zapcore.WarnLevel, protocol.LogLevelError: zapcore.ErrorLevel}
	l, ok := levels[name]
	if !ok {
		return 0, fmt.Errorf("log level %q: want one of %v", name, protocol.LogLevels)
	}
	return l, nil
}
