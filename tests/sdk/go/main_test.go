package main

import (
	"encoding/json"
	"os"
	"reflect"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const token = "lambda-inference:index:InferenceFunction"

// What the component's provider would answer (shared with the Python test): every always-present
// output, and the function URL the program asked for.
func outputs(t *testing.T) map[string]interface{} {
	data, err := os.ReadFile("../outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]interface{}
	if err := json.Unmarshal(data, &values); err != nil {
		t.Fatal(err)
	}
	return values
}

type mocks struct {
	outputs    map[string]interface{}
	mu         sync.Mutex
	registered []pulumi.MockResourceArgs
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.registered = append(m.registered, args)
	state := args.Inputs.Copy()
	for k, v := range resource.NewPropertyMapFromMap(m.outputs) {
		state[k] = v
	}
	return args.Name + "-id", state, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func TestProgramRegistersTheComponentWithItsInputs(t *testing.T) {
	m := &mocks{outputs: outputs(t)}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := deploy(ctx)
		return err
	}, pulumi.WithMocks("project", "stack", m))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.registered) != 1 {
		t.Fatalf("registered %d resources, want 1 (the component; its children are the provider's)", len(m.registered))
	}
	r := m.registered[0]
	if r.TypeToken != token || r.Name != "classifier" || r.Custom {
		t.Fatalf("registered %s %q (custom=%v), want the component %s \"classifier\"", r.TypeToken, r.Name, r.Custom, token)
	}
	want := map[string]interface{}{
		"modelPath":           "../../app/model/model.onnx",
		"modelSha256":         "ce409c5affd6391c731cfd108c7230e58cd6564fa30daa1d6bdba17094f779c1",
		"architecture":        "arm64",
		"memorySize":          2048.0,
		"timeout":             15.0,
		"enableFunctionUrl":   true,
		"functionUrlAuthType": "AWS_IAM",
		"deploymentStrategy":  "Canary10Percent5Minutes",
		"smokeTestEvent":      `{"features": [5.1, 3.5, 1.4, 0.2]}`,
		"alarmActions":        []interface{}{"arn:aws:sns:us-east-1:123456789012:oncall"},
		"environment":         map[string]interface{}{"MAX_BATCH_ROWS": "500"},
		"tags":                map[string]interface{}{"team": "ml-platform"},
	}
	if got := r.Inputs.Mappable(); !reflect.DeepEqual(got, want) {
		t.Fatalf("inputs\n got %#v\nwant %#v", got, want)
	}
}

func TestProgramReadsTypedOutputs(t *testing.T) {
	values := outputs(t)
	var got []interface{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		classifier, err := deploy(ctx)
		if err != nil {
			return err
		}
		var wg sync.WaitGroup
		wg.Add(1)
		pulumi.All(
			classifier.FunctionName, classifier.AliasName, classifier.AliasArn, classifier.ImageUri,
			classifier.FunctionUrl, classifier.DashboardUrl, classifier.DeploymentGroupName,
		).ApplyT(func(all []interface{}) error {
			got = all
			wg.Done()
			return nil
		})
		wg.Wait()
		return nil
	}, pulumi.WithMocks("project", "stack", &mocks{outputs: values}))
	if err != nil {
		t.Fatal(err)
	}
	url := values["functionUrl"].(string)
	want := []interface{}{
		"classifier-fn", "live", values["aliasArn"], values["imageUri"],
		&url, (*string)(nil), (*string)(nil), // optional outputs are *string: nil when the feature is off
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("outputs\n got %#v\nwant %#v", got, want)
	}
}
