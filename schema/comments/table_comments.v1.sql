-- Table comments in the cloud-training wording (reviewed by the DBA; applied by revision 0001).
-- Comments are readable by every connected role, so they say nothing that is not public.
COMMENT ON TABLE public.local_training_jobs IS
    'Cloud training jobs: one row per fine-tuning job, run on cloud GPUs (RunPod). '
    'The local_ prefix is historical and the table name must not change: the app''s queries, '
    'realtime subscriptions, RLS policies, grants and the /api/training/local/* routes depend on it. '
    'The display label of each job comes from the view public.training_provider.';
COMMENT ON TABLE public.local_training_metrics IS
    'Metrics of cloud training jobs: one time-series row per logged training or evaluation step, '
    'linked to local_training_jobs by job_id. '
    'The local_ prefix is historical and the table name must not change: the app''s queries, '
    'realtime subscriptions, RLS policies and grants depend on it. '
    'The display label of each job comes from the view public.training_provider.';
COMMENT ON TABLE public.local_inference_servers IS
    'App-managed local inference server process records for vLLM, Ollama, and simple local servers. '
    'Inference servers serve trained models; running them locally stays a deployment option, '
    'while training itself runs in the cloud. '
    'The local_ prefix is historical and the table name must not change: the app''s queries, '
    'RLS policies and grants depend on it. '
    'The display label of the training jobs comes from the view public.training_provider.';
