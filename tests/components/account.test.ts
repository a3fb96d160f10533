import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { accountOf } from "../../components/account";
import { mocks, settle, valueOf } from "../mocks";

describe("account", () => {
    it("asks the provider once each for its partition, region and account, parented to the component", async () => {
        mocks.reset();
        const parent = new pulumi.ComponentResource("test:index:Parent", "p", {});
        const account = accountOf(parent);
        await settle();
        assert.deepStrictEqual(
            [await valueOf(account.partition), await valueOf(account.region), await valueOf(account.accountId)],
            ["aws", "us-east-1", "123456789012"],
        );
        assert.deepStrictEqual(mocks.calls.map((c) => c.token).sort(), [
            "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getPartition:getPartition",
            "aws:index/getRegion:getRegion",
        ]);
    });
});
