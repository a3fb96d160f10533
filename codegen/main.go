// Command codegen does what `pulumi package add` and `pulumi package gen-sdk`
// do for this package, with Pulumi's own code: bind schema.json with the
// schema binder (failing on any diagnostic, warnings included), then generate
// the Python, Go and Node.js SDKs with the generators the language plugins
// call. The plugins themselves cannot be fetched here, so their generators are
// called directly.
//
//	codegen sdks <schema.json> <out dir>          write <out>/{python,go,nodejs}
//	codegen check-yaml <schema.json> <Pulumi.yaml>  check a YAML program's uses of the component
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"gopkg.in/yaml.v3"
)

// noReferences is the loader of a schema that refers to no other package: any lookup is an error.
type noReferences struct{}

func (noReferences) fail(name string) error {
	return fmt.Errorf("schema.json refers to package %q; this package's schema must stand alone", name)
}

func (l noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.fail(pkg)
}

func (l noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.fail(d.Name)
}

func (l noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.fail(pkg)
}

func (l noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.fail(d.Name)
}

// bind reads and binds the schema, failing on every diagnostic (the CLI fails only on errors).
func bind(path string) (*schema.Package, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if len(diags) > 0 {
		lines := make([]string, len(diags))
		for i, d := range diags {
			lines[i] = d.Summary
			if d.Detail != "" {
				lines[i] += ": " + d.Detail
			}
			if d.Subject != nil {
				lines[i] = d.Subject.Filename + ": " + lines[i]
			}
		}
		return nil, fmt.Errorf("binding %s reported %d diagnostic(s):\n%s", path, len(diags), strings.Join(lines, "\n"))
	}
	return pkg, nil
}

func write(dir string, files map[string][]byte) error {
	for name, content := range files {
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sdks(schemaPath, out string) error {
	generators := map[string]func(*schema.Package) (map[string][]byte, error){
		"python": func(p *schema.Package) (map[string][]byte, error) {
			return python.GeneratePackage("pulumi-language-python", p, nil, noReferences{})
		},
		"go": func(p *schema.Package) (map[string][]byte, error) {
			return gogen.GeneratePackage("pulumi-language-go", p, nil)
		},
		"nodejs": func(p *schema.Package) (map[string][]byte, error) {
			return nodejs.GeneratePackage("pulumi-language-nodejs", p, nil, nil, true, noReferences{})
		},
	}
	for _, language := range []string{"python", "go", "nodejs"} {
		// Bound afresh for each language: generators record their language info on the package.
		pkg, err := bind(schemaPath)
		if err != nil {
			return err
		}
		// As `pulumi package add` does for a local package (module paths of a self-contained SDK).
		pkg.SupportPack = true
		files, err := generators[language](pkg)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", language, err)
		}
		dir := filepath.Join(out, language)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := write(dir, files); err != nil {
			return err
		}
		fmt.Printf("%s: %d files in %s\n", language, len(files), dir)
	}
	return nil
}

// schemaType is the YAML-level type of a bound input property.
func schemaType(t schema.Type) string {
	switch t := t.(type) {
	case *schema.InputType:
		return schemaType(t.ElementType)
	case *schema.OptionalType:
		return schemaType(t.ElementType)
	case *schema.ArrayType:
		return "array"
	case *schema.MapType:
		return "object"
	}
	switch t {
	case schema.StringType:
		return "string"
	case schema.NumberType, schema.IntType:
		return "number"
	case schema.BoolType:
		return "boolean"
	}
	return t.String()
}

func yamlType(v interface{}) string {
	switch v.(type) {
	case string:
		return "string"
	case int, int64, float64:
		return "number"
	case bool:
		return "boolean"
	case []interface{}:
		return "array"
	case map[string]interface{}:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// checkYAML checks every use of the package's resources in a Pulumi YAML program against the bound schema:
// each property exists, has its type, every required input is set, and every output read exists.
func checkYAML(schemaPath, programPath string) error {
	pkg, err := bind(schemaPath)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(programPath)
	if err != nil {
		return err
	}
	var program struct {
		Packages  map[string]interface{} `yaml:"packages"`
		Resources map[string]struct {
			Type       string                 `yaml:"type"`
			Properties map[string]interface{} `yaml:"properties"`
		} `yaml:"resources"`
		Outputs map[string]string `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(data, &program); err != nil {
		return fmt.Errorf("%s: %w", programPath, err)
	}
	var problems []string
	if _, declared := program.Packages[pkg.Name]; !declared {
		problems = append(problems, fmt.Sprintf("packages.%s: not declared (`pulumi package add` declares it)", pkg.Name))
	}
	uses := 0
	for name, r := range program.Resources {
		res, ok := pkg.GetResource(r.Type)
		if !ok {
			if strings.HasPrefix(r.Type, pkg.Name+":") {
				problems = append(problems, fmt.Sprintf("%s: %s is not a resource of %s", name, r.Type, pkg.Name))
			}
			continue
		}
		uses++
		inputs := map[string]*schema.Property{}
		for _, p := range res.InputProperties {
			inputs[p.Name] = p
		}
		for prop, value := range r.Properties {
			p, ok := inputs[prop]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s.%s: not an input of %s", name, prop, r.Type))
				continue
			}
			if want, got := schemaType(p.Type), yamlType(value); want != got {
				problems = append(problems, fmt.Sprintf("%s.%s: a %s, not a %s", name, prop, want, got))
			}
		}
		for _, p := range res.InputProperties {
			if p.IsRequired() {
				if _, set := r.Properties[p.Name]; !set {
					problems = append(problems, fmt.Sprintf("%s.%s: required", name, p.Name))
				}
			}
		}
		outputs := map[string]bool{}
		for _, p := range res.Properties {
			outputs[p.Name] = true
		}
		for export, expr := range program.Outputs {
			prefix := "${" + name + "."
			if strings.HasPrefix(expr, prefix) && strings.HasSuffix(expr, "}") {
				if out := strings.TrimSuffix(strings.TrimPrefix(expr, prefix), "}"); !outputs[out] {
					problems = append(problems, fmt.Sprintf("outputs.%s: %s is not an output of %s", export, out, r.Type))
				}
			}
		}
	}
	if uses == 0 {
		problems = append(problems, fmt.Sprintf("%s uses no resource of %s", programPath, pkg.Name))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New(strings.Join(problems, "\n"))
	}
	fmt.Printf("%s: %d use(s) of %s match the bound schema\n", programPath, uses, pkg.Name)
	return nil
}

func main() {
	var err error
	switch {
	case len(os.Args) == 4 && os.Args[1] == "sdks":
		err = sdks(os.Args[2], os.Args[3])
	case len(os.Args) == 4 && os.Args[1] == "check-yaml":
		err = checkYAML(os.Args[2], os.Args[3])
	default:
		err = errors.New("usage: codegen sdks <schema.json> <out dir> | codegen check-yaml <schema.json> <Pulumi.yaml>")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "codegen: %v\n", err)
		os.Exit(1)
	}
}
