-- The three protected tables as FineTune Lab production has them today (plus the one table whose
-- foreign key points into them), reconstructed from ../shared/research/legacy-schema.md.
--
-- Used by `training-db seed` to build a production-like database for the tests, the demo and the
-- benchmarks. Migrations never run this file: production already has these tables.
--
-- {{job_id_type}} is replaced by `text` or `uuid`: production has not settled the type of
-- local_training_jobs.id, so every column that references it takes the same type.
-- Evidence tags in comments: [M] migration, [S] fix script, [D] doc, [C] code (legacy-schema.md §0).

-- Shared trigger function [M 20251202000000].
CREATE OR REPLACE FUNCTION public.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- local_training_jobs (legacy-schema.md §1.1)
-- ---------------------------------------------------------------------------------------------
CREATE TABLE public.local_training_jobs (
    -- core columns [D docs/RUNPOD_TRAINING_FLOW.md]
    id {{job_id_type}} PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    model_name text NOT NULL,
    dataset_path text,
    status text NOT NULL,                       -- no CHECK: the app writes 7 statuses [§3.1]
    job_token text,                             -- nullable [M 20251114150945]
    config jsonb,
    error_message text,
    started_at timestamptz,
    completed_at timestamptz,
    created_at timestamptz DEFAULT now(),
    updated_at timestamptz DEFAULT now(),       -- no trigger: the app sets it on every update
    -- progress and summary columns [C, the missing 20251103000002 migration]
    current_step integer,
    current_epoch integer,
    total_steps integer,
    total_epochs integer,
    progress double precision,
    loss double precision,
    eval_loss double precision,
    learning_rate double precision,
    grad_norm double precision,
    samples_per_second double precision,
    gpu_memory_allocated_gb double precision,
    gpu_memory_reserved_gb double precision,
    gpu_utilization_percent double precision,
    elapsed_seconds integer,
    remaining_seconds integer,
    perplexity double precision,
    train_perplexity double precision,
    final_loss double precision,
    final_eval_loss double precision,
    best_eval_loss double precision,
    best_epoch integer,
    best_step integer,
    epochs_without_improvement integer,         -- [M 20251219]
    loss_trend text,                            -- [M 20251219]
    total_samples integer,
    train_samples integer,
    val_samples integer,
    total_tokens_processed bigint,
    batch_size integer,
    gradient_accumulation_steps integer,
    max_learning_rate double precision,
    resume_from_checkpoint text,
    num_gpus integer,
    distributed_strategy text,
    parameter_updates jsonb,
    last_parameter_update_at timestamptz,
    -- columns added by migrations and fix scripts
    best_checkpoint_score double precision,     -- [M 20251207]
    best_checkpoint_step integer,               -- [M 20251207]
    best_checkpoint_epoch integer,              -- [M 20251207]
    metadata jsonb DEFAULT '{}'::jsonb,         -- [M 20251207_add_metadata_column]
    agent_id text,                              -- [M 20260107000000]
    claimed_at timestamptz,                     -- [M 20260107000000]
    model_url text,                             -- [S ADD_MODEL_URL_COLUMN.sql]
    best_checkpoint_path text                   -- [C checkpoints/list/route.ts:41]
);

CREATE INDEX idx_local_training_jobs_user_id ON public.local_training_jobs (user_id);
CREATE INDEX idx_local_training_jobs_status ON public.local_training_jobs (status);
CREATE INDEX idx_local_training_jobs_created_at ON public.local_training_jobs (created_at);
CREATE INDEX idx_local_training_jobs_job_token ON public.local_training_jobs (job_token)
    WHERE job_token IS NOT NULL;
CREATE INDEX idx_local_training_jobs_best_checkpoint_score
    ON public.local_training_jobs (best_checkpoint_score)
    WHERE best_checkpoint_score IS NOT NULL;
CREATE INDEX idx_local_training_jobs_metadata ON public.local_training_jobs USING gin (metadata);
CREATE INDEX idx_local_training_jobs_pending_unclaimed ON public.local_training_jobs (user_id, status)
    WHERE status = 'pending' AND agent_id IS NULL;
CREATE INDEX idx_local_training_jobs_agent_status ON public.local_training_jobs (agent_id, status)
    WHERE agent_id IS NOT NULL;

ALTER TABLE public.local_training_jobs REPLICA IDENTITY FULL;

COMMENT ON COLUMN public.local_training_jobs.best_checkpoint_score IS
    'Score of the best checkpoint so far (lower eval loss is better).';
COMMENT ON COLUMN public.local_training_jobs.best_checkpoint_step IS
    'Global step at which the best checkpoint was saved.';
COMMENT ON COLUMN public.local_training_jobs.best_checkpoint_epoch IS
    'Epoch at which the best checkpoint was saved.';
COMMENT ON COLUMN public.local_training_jobs.best_eval_loss IS
    'Lowest evaluation loss observed during training.';
COMMENT ON COLUMN public.local_training_jobs.metadata IS
    'Free-form job metadata: logs (capped at 10,000 lines), last_log_update, hf_repo, upload_success.';
COMMENT ON COLUMN public.local_training_jobs.loss_trend IS
    'Recent loss direction: improving, degrading, stable or insufficient_data.';
COMMENT ON COLUMN public.local_training_jobs.epochs_without_improvement IS
    'Evaluations since the eval loss last improved (early-stopping counter).';
COMMENT ON COLUMN public.local_training_jobs.agent_id IS
    'Training agent that claimed this job (agent_ + 16 hex characters); NULL until claimed.';
COMMENT ON COLUMN public.local_training_jobs.claimed_at IS
    'When the training agent claimed this job.';

-- ---------------------------------------------------------------------------------------------
-- local_training_metrics (legacy-schema.md §1.2): one time-series row per logged step
-- ---------------------------------------------------------------------------------------------
CREATE TABLE public.local_training_metrics (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,  -- the app never writes it
    -- ON DELETE action unknown in production: the default (NO ACTION) is kept
    job_id {{job_id_type}} REFERENCES public.local_training_jobs (id),
    step integer,
    epoch integer NOT NULL,
    train_loss double precision,
    eval_loss double precision,
    learning_rate double precision,
    grad_norm double precision,
    gpu_memory_allocated_gb double precision,
    gpu_memory_reserved_gb double precision,
    gpu_utilization_percent double precision,
    perplexity double precision,
    train_perplexity double precision,
    samples_per_second double precision,
    tokens_per_second double precision,
    loss_trend text,                            -- [M 20251219]
    best_eval_loss double precision,            -- [M 20251219]
    best_epoch integer,                         -- [M 20251219]
    best_step integer,                          -- [M 20251219]
    epochs_without_improvement integer,         -- [M 20251219]
    "timestamp" timestamptz,
    created_at timestamptz DEFAULT now()
    -- no UNIQUE (job_id, step): retries produce duplicate steps
);

CREATE INDEX idx_local_training_metrics_job_id ON public.local_training_metrics (job_id);
CREATE INDEX idx_local_training_metrics_timestamp ON public.local_training_metrics ("timestamp");
CREATE INDEX idx_local_training_metrics_job_id_step_desc
    ON public.local_training_metrics (job_id, step DESC);

ALTER TABLE public.local_training_metrics REPLICA IDENTITY FULL;

COMMENT ON COLUMN public.local_training_metrics.loss_trend IS
    'Loss direction at this step: improving, degrading, stable or insufficient_data.';
COMMENT ON COLUMN public.local_training_metrics.best_eval_loss IS
    'Lowest evaluation loss observed up to this step.';
COMMENT ON COLUMN public.local_training_metrics.best_epoch IS
    'Epoch of the best evaluation loss up to this step.';
COMMENT ON COLUMN public.local_training_metrics.best_step IS
    'Step of the best evaluation loss up to this step.';
COMMENT ON COLUMN public.local_training_metrics.epochs_without_improvement IS
    'Evaluations since the eval loss last improved, as of this step.';

-- ---------------------------------------------------------------------------------------------
-- local_inference_servers (legacy-schema.md §1.3; reconstructed DDL [M 20251202000000] plus fixes)
-- ---------------------------------------------------------------------------------------------
CREATE TABLE public.local_inference_servers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid REFERENCES auth.users (id) ON DELETE CASCADE,  -- NULL for system servers
    server_type text NOT NULL,
    name text NOT NULL,
    base_url text NOT NULL,
    port integer NOT NULL,
    model_path text NOT NULL,
    model_name text NOT NULL,
    training_job_id {{job_id_type}},
    process_id integer,
    status text NOT NULL DEFAULT 'starting',
    config_json jsonb NOT NULL DEFAULT '{}'::jsonb,
    error_message text,
    started_at timestamptz NOT NULL DEFAULT now(),
    stopped_at timestamptz,
    last_health_check timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    metadata jsonb,                             -- [C servers/status/route.ts:122], not in the DDL
    CONSTRAINT local_inference_servers_training_job_id_fkey FOREIGN KEY (training_job_id)
        REFERENCES public.local_training_jobs (id) ON DELETE SET NULL  -- [M fix_inference_server_fk.sql]
);

CREATE INDEX idx_local_inference_servers_user_status ON public.local_inference_servers (user_id, status);
CREATE INDEX idx_local_inference_servers_type_status ON public.local_inference_servers (server_type, status);
CREATE INDEX idx_local_inference_servers_port_status ON public.local_inference_servers (port, status);
CREATE INDEX idx_local_inference_servers_training_job
    ON public.local_inference_servers (training_job_id);

CREATE TRIGGER touch_local_inference_servers_updated_at
    BEFORE UPDATE ON public.local_inference_servers
    FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

COMMENT ON TABLE public.local_inference_servers IS
    'App-managed local inference server process records for vLLM, Ollama, and simple local servers.';
COMMENT ON COLUMN public.local_inference_servers.training_job_id IS
    'Training job whose model this server serves; set to NULL when the job is deleted.';

-- ---------------------------------------------------------------------------------------------
-- training_predictions: not protected, present for its foreign key into the jobs
-- ---------------------------------------------------------------------------------------------
CREATE TABLE public.training_predictions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id {{job_id_type}} NOT NULL,
    user_id uuid,
    epoch integer,
    step integer,
    prediction text,
    created_at timestamptz DEFAULT now(),
    CONSTRAINT fk_training_predictions_job FOREIGN KEY (job_id)
        REFERENCES public.local_training_jobs (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Realtime (legacy-schema.md §2): jobs and metrics are published, servers are not
-- ---------------------------------------------------------------------------------------------
ALTER PUBLICATION supabase_realtime ADD TABLE public.local_training_jobs, public.local_training_metrics;

-- ---------------------------------------------------------------------------------------------
-- Row-level security (legacy-schema.md §2). The "testing" policies *_full_access (USING true for
-- PUBLIC, applied state unknown) are left out: with them no user isolation would exist at all.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.local_training_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.local_training_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.local_inference_servers ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users can view their own jobs" ON public.local_training_jobs
    FOR SELECT USING (auth.uid() = user_id);
CREATE POLICY "Allow metrics updates with valid job_token" ON public.local_training_jobs
    FOR UPDATE TO anon, authenticated
    USING (job_token IS NOT NULL) WITH CHECK (job_token IS NOT NULL);
CREATE POLICY "Allow anon to select jobs with valid token" ON public.local_training_jobs
    FOR SELECT TO anon USING (job_token IS NOT NULL);

CREATE POLICY "Allow insert metrics optimized" ON public.local_training_metrics
    FOR INSERT TO anon WITH CHECK (job_id IS NOT NULL);
CREATE POLICY "Allow select metrics for own jobs" ON public.local_training_metrics
    FOR SELECT TO authenticated
    USING (EXISTS (
        SELECT 1 FROM public.local_training_jobs
        WHERE local_training_jobs.id = local_training_metrics.job_id
          AND local_training_jobs.user_id = auth.uid()));
CREATE POLICY "Service role full access to metrics" ON public.local_training_metrics
    FOR ALL TO service_role USING (true) WITH CHECK (true);
CREATE POLICY "Allow realtime metrics for authenticated users" ON public.local_training_metrics
    FOR SELECT TO authenticated
    USING (job_id IN (SELECT id FROM public.local_training_jobs WHERE user_id = auth.uid()));
CREATE POLICY "Allow anon to insert training metrics" ON public.local_training_metrics
    FOR INSERT TO anon WITH CHECK (true);
CREATE POLICY "Allow authenticated to insert training metrics" ON public.local_training_metrics
    FOR INSERT TO authenticated WITH CHECK (true);
CREATE POLICY "Allow read metrics for valid jobs" ON public.local_training_metrics
    FOR SELECT TO anon
    USING (EXISTS (SELECT 1 FROM public.local_training_jobs WHERE local_training_jobs.id = job_id));

CREATE POLICY local_inference_servers_select_own ON public.local_inference_servers
    FOR SELECT USING (auth.uid() = user_id);
CREATE POLICY local_inference_servers_insert_own ON public.local_inference_servers
    FOR INSERT WITH CHECK (auth.uid() = user_id);
CREATE POLICY local_inference_servers_update_own ON public.local_inference_servers
    FOR UPDATE USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);
CREATE POLICY local_inference_servers_delete_own ON public.local_inference_servers
    FOR DELETE USING (auth.uid() = user_id);

-- ---------------------------------------------------------------------------------------------
-- Grants (legacy-schema.md §2). service_role gets everything, as Supabase's default privileges give
-- it; the servers table has no explicit grants in the repo, so it carries those defaults.
-- ---------------------------------------------------------------------------------------------
GRANT SELECT ON public.local_training_jobs TO anon, authenticated;
GRANT UPDATE (current_step, current_epoch, total_steps, loss, eval_loss, learning_rate, grad_norm,
              samples_per_second, gpu_memory_allocated_gb, gpu_memory_reserved_gb, elapsed_seconds,
              remaining_seconds, progress, updated_at, status, started_at, completed_at, error_message,
              model_url)
    ON public.local_training_jobs TO anon, authenticated;
GRANT ALL ON public.local_training_jobs TO service_role;

GRANT SELECT, INSERT ON public.local_training_metrics TO anon, authenticated;
GRANT ALL ON public.local_training_metrics TO service_role;

GRANT ALL ON public.local_inference_servers TO anon, authenticated, service_role;
GRANT ALL ON public.training_predictions TO service_role;

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO anon, authenticated;
