DROP INDEX "agent_conversations_agent_key_unique";--> statement-breakpoint
ALTER TABLE "agent_chat_turns" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "agent_conversations" ADD COLUMN "caller_key" text;--> statement-breakpoint
UPDATE "agent_conversations" SET "caller_key" = CASE WHEN "created_by" IS NOT NULL THEN 'user:' || "created_by" ELSE 'machine:legacy' END;--> statement-breakpoint
ALTER TABLE "agent_conversations" ALTER COLUMN "caller_key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_conversations_agent_caller_key_unique" ON "agent_conversations" USING btree ("workspace_agent_id","caller_key","conversation_key");
