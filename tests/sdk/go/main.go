// A Pulumi Go program using the SDK generated from schema.json, written as a user
// writes one after `pulumi package add`: plain args are pointers, inputs are
// pulumi.Input values, outputs are typed.
package main

import (
	"example.com/pulumi-lambda-inference/sdk/go/lambdainference"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func deploy(ctx *pulumi.Context) (*lambdainference.InferenceFunction, error) {
	classifier, err := lambdainference.NewInferenceFunction(ctx, "classifier", &lambdainference.InferenceFunctionArgs{
		ModelPath:           pulumi.StringRef("../../app/model/model.onnx"),
		ModelSha256:         pulumi.String("ce409c5affd6391c731cfd108c7230e58cd6564fa30daa1d6bdba17094f779c1"),
		Architecture:        pulumi.StringRef("arm64"),
		MemorySize:          pulumi.Float64Ref(2048),
		Timeout:             pulumi.Float64Ref(15),
		EnableFunctionUrl:   pulumi.BoolRef(true),
		FunctionUrlAuthType: pulumi.StringRef("AWS_IAM"),
		DeploymentStrategy:  pulumi.StringRef("Canary10Percent5Minutes"),
		SmokeTestEvent:      pulumi.String(`{"features": [5.1, 3.5, 1.4, 0.2]}`),
		AlarmActions:        pulumi.StringArray{pulumi.String("arn:aws:sns:us-east-1:123456789012:oncall")},
		Environment:         map[string]pulumi.StringInput{"MAX_BATCH_ROWS": pulumi.String("500")},
		Tags:                map[string]pulumi.StringInput{"team": pulumi.String("ml-platform")},
	})
	if err != nil {
		return nil, err
	}
	ctx.Export("functionName", classifier.FunctionName)
	ctx.Export("aliasArn", classifier.AliasArn)
	ctx.Export("functionUrl", classifier.FunctionUrl)
	return classifier, nil
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := deploy(ctx)
		return err
	})
}
