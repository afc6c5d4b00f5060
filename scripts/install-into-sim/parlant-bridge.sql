CREATE TYPE "public"."agent_chat_turn_status" AS ENUM('pending', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."workspace_agent_status" AS ENUM('inactive', 'starting', 'active', 'stopping', 'error');--> statement-breakpoint
CREATE TABLE "agent_auth_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"workspace_agent_id" text NOT NULL,
	"created_by" text,
	"token_hash" text NOT NULL,
	"token_prefix" text NOT NULL,
	"label" text,
	"expires_at" timestamp NOT NULL,
	"last_used_at" timestamp,
	"revoked_at" timestamp,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_chat_turns" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text,
	"bridge_message_id" text NOT NULL,
	"parlant_event_id" text,
	"parlant_event_offset" integer,
	"trace_id" text,
	"status" "agent_chat_turn_status" DEFAULT 'pending' NOT NULL,
	"result" jsonb,
	"error" text,
	"created_by" text,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_conversations" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"workspace_agent_id" text NOT NULL,
	"caller_key" text NOT NULL,
	"conversation_key" text NOT NULL,
	"parlant_session_id" text,
	"parlant_customer_id" text NOT NULL,
	"event_cursor" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp,
	"created_by" text,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"workspace_agent_id" text NOT NULL,
	"socket_id" text NOT NULL,
	"node_id" text NOT NULL,
	"user_id" text,
	"started_at" timestamp DEFAULT now() NOT NULL,
	"ended_at" timestamp
);
--> statement-breakpoint
CREATE TABLE "workspace_agents" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"created_by" text,
	"agent_name" text NOT NULL,
	"agent_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"parlant_agent_id" text,
	"status" "workspace_agent_status" DEFAULT 'inactive' NOT NULL,
	"last_error" text,
	"status_changed_at" timestamp DEFAULT now() NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_auth_tokens" ADD CONSTRAINT "agent_auth_tokens_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_auth_tokens" ADD CONSTRAINT "agent_auth_tokens_workspace_agent_id_workspace_agents_id_fk" FOREIGN KEY ("workspace_agent_id") REFERENCES "public"."workspace_agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_auth_tokens" ADD CONSTRAINT "agent_auth_tokens_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_chat_turns" ADD CONSTRAINT "agent_chat_turns_conversation_id_agent_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."agent_conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_conversations" ADD CONSTRAINT "agent_conversations_workspace_agent_id_workspace_agents_id_fk" FOREIGN KEY ("workspace_agent_id") REFERENCES "public"."workspace_agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_workspace_agent_id_workspace_agents_id_fk" FOREIGN KEY ("workspace_agent_id") REFERENCES "public"."workspace_agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_agents" ADD CONSTRAINT "workspace_agents_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_agents" ADD CONSTRAINT "workspace_agents_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_auth_tokens_token_hash_unique" ON "agent_auth_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "agent_auth_tokens_workspace_agent_idx" ON "agent_auth_tokens" USING btree ("workspace_id","workspace_agent_id");--> statement-breakpoint
CREATE INDEX "agent_auth_tokens_agent_idx" ON "agent_auth_tokens" USING btree ("workspace_agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agent_chat_turns_conversation_key_unique" ON "agent_chat_turns" USING btree ("conversation_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "agent_conversations_agent_caller_key_unique" ON "agent_conversations" USING btree ("workspace_agent_id","caller_key","conversation_key");--> statement-breakpoint
CREATE INDEX "agent_sessions_agent_socket_idx" ON "agent_sessions" USING btree ("workspace_agent_id","socket_id");--> statement-breakpoint
CREATE INDEX "agent_sessions_user_idx" ON "agent_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "agent_sessions_workspace_agent_open_idx" ON "agent_sessions" USING btree ("workspace_id","workspace_agent_id") WHERE "agent_sessions"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "agent_sessions_node_open_idx" ON "agent_sessions" USING btree ("node_id") WHERE "agent_sessions"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_agents_workspace_name_unique" ON "workspace_agents" USING btree ("workspace_id","agent_name");--> statement-breakpoint
CREATE INDEX "workspace_agents_workspace_created_idx" ON "workspace_agents" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "workspace_agents_transient_status_idx" ON "workspace_agents" USING btree ("status","status_changed_at") WHERE "workspace_agents"."status" in ('starting', 'stopping', 'active', 'error');