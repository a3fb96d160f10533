package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const schemaPath = "../schema.json"

func TestTheSchemaBindsWithoutDiagnostics(t *testing.T) {
	pkg, err := bind(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Name != "lambda-inference" || len(pkg.Resources) != 1 || pkg.Resources[0].Token != "lambda-inference:index:InferenceFunction" {
		t.Fatalf("bound %s with %d resources", pkg.Name, len(pkg.Resources))
	}
	if !pkg.Resources[0].IsComponent {
		t.Fatal("InferenceFunction must bind as a component (remote in every SDK)")
	}
}

func TestADiagnosticFailsTheBind(t *testing.T) {
	_, err := bind("testdata/broken.json")
	if err == nil {
		t.Fatal("a schema with an unknown type and a dangling reference bound")
	}
	for _, want := range []string{
		"binding testdata/broken.json reported 14 diagnostic(s):\n",
		"\n#/resources/shop:index:Store/inputProperties/size/type: unknown type kind integr",
		"\n#/resources/shop:index:Store/properties/url/$ref: type shop:index:Missing not found in package shop\n",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestEveryLanguageGetsAnSDK(t *testing.T) {
	out := t.TempDir()
	if err := sdks(schemaPath, out); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{
		"python/pulumi_lambda_inference/inference_function.py",
		"python/setup.py",
		"go/lambdainference/inferenceFunction.go",
		"go/go.mod",
		"nodejs/inferenceFunction.ts",
		"nodejs/package.json",
	} {
		if _, err := os.Stat(filepath.Join(out, file)); err != nil {
			t.Error(err)
		}
	}
	goMod, err := os.ReadFile(filepath.Join(out, "go", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The module path `pulumi package add` gives a local package, which a Go program replaces.
	if !strings.HasPrefix(string(goMod), "module example.com/pulumi-lambda-inference/sdk/go\n") {
		t.Errorf("go.mod starts %q", strings.SplitN(string(goMod), "\n", 2)[0])
	}
}

func TestTheYAMLExampleMatchesTheBoundSchema(t *testing.T) {
	if err := checkYAML(schemaPath, "../examples/yaml/Pulumi.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestEveryMisuseInAYAMLProgramIsReported(t *testing.T) {
	err := checkYAML("testdata/required.json", "testdata/misuse.yaml")
	if err == nil {
		t.Fatal("misuse.yaml passed")
	}
	want := strings.Join([]string{
		"other: shop:index:Warehouse is not a resource of shop",
		"outputs.address: address is not an output of shop:index:Store",
		"store.colour: not an input of shop:index:Store",
		"store.name: required",
		"store.size: a number, not a string",
		"store.tags: a object, not a array",
		"store.zones: a array, not a string",
	}, "\n")
	if err.Error() != want {
		t.Fatalf("got\n%s\nwant\n%s", err, want)
	}
}

func TestAYAMLProgramMustDeclareThePackage(t *testing.T) {
	err := checkYAML("testdata/required.json", "testdata/undeclared.yaml")
	if err == nil || err.Error() != "packages.shop: not declared (`pulumi package add` declares it)" {
		t.Fatalf("got %v", err)
	}
}
