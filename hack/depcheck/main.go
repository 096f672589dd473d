package main
import (
 _ "github.com/go-jose/go-jose/v4"
 _ "github.com/rancher/remotedialer"
 _ "github.com/fluxcd/source-controller/api/v1"
 _ "github.com/fluxcd/kustomize-controller/api/v1"
 _ "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
)
func main(){}
