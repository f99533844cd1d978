"""Stream destinations made on the moto server, and what each of them received, as records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

from herald.channels.config_aws import AwsSettings
from herald.streams.config import CloudWatchLogsSink, FirehoseSink, KinesisSink, SnsSink

Record = dict[str, Any]


def client(service: str, aws: AwsSettings) -> Any:
    assert aws.secret_access_key is not None
    return boto3.client(  # type: ignore[call-overload]
        service,
        region_name=aws.region,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id=aws.access_key_id,
        aws_secret_access_key=aws.secret_access_key.get_secret_value(),
    )


@dataclass
class Destinations:
    """One of each AWS destination, named after the test, and how to read them back."""

    aws: AwsSettings
    name: str
    received_by_sqs: list[Record] = field(default_factory=list)

    def create(self) -> None:
        s3 = client("s3", self.aws)
        s3.create_bucket(Bucket=self.name)
        self.create_firehose()
        self.create_kinesis()
        sns, sqs = client("sns", self.aws), client("sqs", self.aws)
        topic = sns.create_topic(Name=self.name)["TopicArn"]
        queue = sqs.create_queue(QueueName=self.name)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue_arn["Attributes"]["QueueArn"],
            Attributes={"RawMessageDelivery": "true"},
        )
        client("logs", self.aws).create_log_group(logGroupName=f"/herald/{self.name}")

    def create_firehose(self) -> None:
        client("firehose", self.aws).create_delivery_stream(
            DeliveryStreamName=self.name,
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/firehose",
                "BucketARN": f"arn:aws:s3:::{self.name}",
            },
        )

    def create_kinesis(self) -> None:
        kinesis = client("kinesis", self.aws)
        kinesis.create_stream(StreamName=self.name, ShardCount=2)

    @property
    def topic_arn(self) -> str:
        return f"arn:aws:sns:{self.aws.region}:123456789012:{self.name}"

    def sinks(self) -> dict[str, Any]:
        return {
            "firehose": FirehoseSink(type="firehose", delivery_stream=self.name, aws=self.aws),
            "kinesis": KinesisSink(type="kinesis", stream_name=self.name, aws=self.aws),
            "sns": SnsSink(type="sns", topic_arn=self.topic_arn, aws=self.aws),
            "logs": CloudWatchLogsSink(
                type="cloudwatch_logs", log_group=f"/herald/{self.name}", aws=self.aws
            ),
        }

    def firehose_records(self) -> list[Record]:
        s3 = client("s3", self.aws)
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=self.name).get("Contents", []))
        lines: list[Record] = []
        for key in keys:
            body = s3.get_object(Bucket=self.name, Key=key)["Body"].read().decode()
            lines.extend(json.loads(line) for line in body.splitlines() if line)
        return lines

    def kinesis_records(self) -> list[Record]:
        kinesis = client("kinesis", self.aws)
        found: list[Record] = []
        for shard in kinesis.list_shards(StreamName=self.name)["Shards"]:
            iterator = kinesis.get_shard_iterator(
                StreamName=self.name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            records = kinesis.get_records(ShardIterator=iterator, Limit=10_000)["Records"]
            found.extend(json.loads(r["Data"]) for r in records)
        return found

    def sns_records(self) -> list[Record]:
        """Every record the topic's queue has had so far (reading a queue empties it)."""
        sqs = client("sqs", self.aws)
        queue = sqs.get_queue_url(QueueName=self.name)["QueueUrl"]
        while True:
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not messages:
                return list(self.received_by_sqs)
            for message in messages:
                self.received_by_sqs.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])

    def log_records(self) -> list[Record]:
        events = client("logs", self.aws).get_log_events(
            logGroupName=f"/herald/{self.name}", logStreamName="herald-events", startFromHead=True
        )["events"]
        return [json.loads(e["message"]) for e in events]
