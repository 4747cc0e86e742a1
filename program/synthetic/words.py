"""The vocabulary of synthetic editions: names, titles, abstracts and bios."""

ROOM_NAMES = ["Grand Ballroom", "Regency", "Evergreen", "Cascade", "Summit", "Olympic"]

SYSTEM_PREFIXES = [
    "Flash", "Hydra", "Swift", "Tensor", "Quill", "Sparrow", "Orca", "Nimbus", "Atlas", "Helix",
    "Prism", "Vortex", "Ember", "Pico", "Mosaic", "Zephyr", "Lumen", "Kestrel", "Tidal",
    "Cobalt",
]  # fmt: skip
SYSTEM_SUFFIXES = [
    "Serve", "Train", "Flow", "Cache", "Shard", "Pipe", "Tune", "Opt", "Scale", "Mesh",
    "Kernel", "Spec", "Quant",
]  # fmt: skip
ADJECTIVES = [
    "efficient", "scalable", "memory-efficient", "fault-tolerant", "adaptive", "energy-aware",
    "low-latency", "cost-effective", "communication-efficient", "elastic", "predictable",
    "heterogeneity-aware", "near-optimal", "robust",
]  # fmt: skip
TECHNIQUES = [
    "speculative decoding", "KV cache compression", "pipeline parallelism",
    "tensor parallelism", "mixed-precision training", "4-bit quantization",
    "activation checkpointing", "operator fusion", "kernel autotuning", "prefix caching",
    "expert parallelism", "continuous batching", "gradient compression", "sparse attention",
    "disaggregated prefill and decode", "compiler-driven scheduling",
    "parameter-efficient fine-tuning", "request routing", "model distillation",
    "retrieval augmentation",
]  # fmt: skip
TARGETS = [
    "large language model inference", "mixture-of-experts training", "long-context serving",
    "recommendation models", "diffusion model inference", "edge devices",
    "heterogeneous GPU clusters", "federated learning", "graph neural networks",
    "multi-tenant serving", "reinforcement learning from human feedback",
    "vision-language models", "on-device speech recognition", "training on spot instances",
    "agentic workloads", "embedding tables",
]  # fmt: skip
AREAS = [
    "machine learning systems", "efficient inference", "distributed training", "ML compilers",
    "hardware for AI", "data management for ML", "AI for systems", "open model ecosystems",
    "sustainable computing", "benchmarking ML systems",
]  # fmt: skip
SOCIALS = [
    "Welcome Reception", "Women in ML Systems Lunch", "Student Mentoring Breakfast",
    "Poster Reception", "Industry Meet-and-Greet", "Conference Banquet",
]  # fmt: skip
RESOURCES = ["GPU memory", "network bandwidth", "accelerator time", "energy", "host memory"]
HARDWARE = ["H100", "A100", "MI300X", "TPU v5e", "L4"]
BASELINES = ["vLLM", "DeepSpeed", "Megatron-LM", "TensorRT-LLM", "PyTorch FSDP"]
OBSERVATIONS = [
    "most of the {resource} goes to a small fraction of layers",
    "request lengths can be predicted from their first few tokens",
    "communication can overlap almost entirely with computation",
    "the errors that {technique} introduces cancel out across layers",
    "most requests share long prefixes that need to be computed only once",
]

RESEARCH_CONTEXT = [
    "Workloads built on {target} are now among the most expensive in modern data centers.",
    "The cost of {target} is increasingly set by {resource} rather than by compute.",
    "Production systems for {target} must meet strict latency targets "
    "while keeping every accelerator busy.",
    "Existing systems for {target} leave much of the available {resource} unused.",
    "Demand for {target} grows faster than the hardware budgets behind it.",
]
RESEARCH_GAP = [
    "Prior work on {technique} assumes uniform hardware and static workloads, "
    "which rarely holds in practice.",
    "Current approaches trade accuracy for speed in ways that are hard to predict.",
    "Applied naively, {technique} creates stragglers and wastes {resource}.",
]
RESEARCH_APPROACH = [
    "We present {system}, a system that combines {technique} with {technique2} to close this gap.",
    "This talk introduces {system}, which treats {technique} as a scheduling problem "
    "and solves it online.",
    "We describe {system}, a runtime that adapts {technique} to the {resource} "
    "available at each step.",
]
RESEARCH_INSIGHT = ["The key insight is that {observation}."]
RESEARCH_RESULTS = [
    "On {hardware} GPUs, {system} improves throughput by {factor}× over {baseline} "
    "without loss of accuracy.",
    "Across {traces} production traces, {system} cuts tail latency by {percent}% "
    "and serving cost by {percent2}%.",
    "Our evaluation on up to {gpus} {hardware} GPUs shows near-linear scaling.",
    "{system} is open source, and we share lessons from running it in production for over a year.",
    "We also characterize when {technique} does not pay off, and why.",
]
KEYNOTE_SENTENCES = [
    "Over the past decade, {area} has moved from research prototypes to the backbone of "
    "every large AI deployment.",
    "This keynote looks at what worked, what did not, and what {target} will demand next "
    "from hardware, compilers and runtimes.",
    "Drawing on experience with {technique} at scale, it argues that the biggest gains now "
    "come from designing models and systems together.",
    "It closes with open problems where this community can make the largest difference.",
]
SESSION_SENTENCES = [
    "This {kind} brings together researchers and practitioners working on {area}.",
    "We will cover {technique} and {technique2}, from first principles to production use.",
    "Expect concrete examples on {hardware} GPUs, open questions and plenty of time "
    "for discussion.",
    "Participants leave knowing when {technique} helps {target} and when it does not.",
    "Slides, notebooks and recordings will be shared after the session.",
]
SOCIAL_SENTENCES = [
    "Meet fellow attendees over food and drinks.",
    "Everyone is welcome; no registration beyond the conference badge is needed.",
    "Organizers and speakers will be around to answer questions about {area}.",
]

FIRST_NAMES = [
    "Aarav", "Abena", "Adebayo", "Ahmed", "Aiko", "Alejandro", "Amara", "Amir", "Ana",
    "Andrei", "Anika", "Arjun", "Astrid", "Aylin", "Beatriz", "Bilal", "Bo", "Camille",
    "Carlos", "Chen", "Chiara", "Cyrus", "Dae-jung", "Daniel", "Dmitri", "Elena", "Emeka",
    "Emma", "Farah", "Fatima", "Felix", "Gabriel", "Hana", "Hassan", "Hiroshi", "Ingrid",
    "Isabel", "Ivan", "Jamal", "Javier", "Jia", "Jonas", "Julia", "Kai", "Kamala", "Kenji",
    "Khalid", "Laila", "Lars", "Leila", "Li", "Lucas", "Mai", "Malik", "Maria", "Mateo", "Mei",
    "Mehmet", "Mila", "Minh", "Nadia", "Naveen", "Nia", "Nikhil", "Noah", "Nour", "Olga",
    "Omar", "Pablo", "Priya", "Rafael", "Rahul", "Ravi", "Rin", "Rosa", "Sakura", "Samuel",
    "Sara", "Sebastian", "Seo-yeon", "Shreya", "Sofia", "Soo-ah", "Tariq", "Tomas",
    "Valentina", "Vikram", "Wei", "Xin", "Yara", "Yasmin", "Yuki", "Yusuf", "Zainab", "Zara",
    "Zhen", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Abebe", "Adeyemi", "Alvarez", "Andersen", "Bakr", "Banerjee", "Becker", "Bianchi",
    "Castro", "Chandra", "Chen", "Cho", "Costa", "Dang", "Das", "Diaz", "Dubois", "Eriksson",
    "Fernandes", "Fischer", "Fujita", "Garcia", "Ghosh", "Gupta", "Haddad", "Hansen", "Hoang",
    "Huang", "Ibrahim", "Ivanova", "Jensen", "Joshi", "Kang", "Khan", "Kim", "Kowalski",
    "Kumar", "Laurent", "Lee", "Lin", "Liu", "Lopez", "Mahmoud", "Martin", "Mehta", "Mendes",
    "Moreno", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Okonkwo", "Olsen", "Park",
    "Patel", "Pereira", "Petrov", "Quispe", "Rahman", "Ramos", "Rao", "Reyes", "Rossi", "Saito",
    "Santos", "Sato", "Schmidt", "Sharma", "Silva", "Singh", "Sokolov", "Suzuki", "Tanaka",
    "Tran", "Tshabalala", "Vargas", "Volkov", "Wang", "Weber", "Wong", "Wu", "Xu", "Yamamoto",
    "Yang", "Yildiz", "Yilmaz", "Zhang", "Zhao", "Zhou", "Zhu", "Ali", "Baker", "Cohen",
    "Ortiz", "Sousa", "Takahashi",
]  # fmt: skip
UNIVERSITIES = [
    "Cascadia Tech", "Lakeshore University", "Northfield College", "Pacific Polytechnic",
    "Redwood State University", "Eastbridge University", "Meridian University",
    "Westhaven University",
]  # fmt: skip
COMPANIES = [
    "Northwind AI", "Tessellate Labs", "Quantum Harbor", "Bluefin Compute", "Juniper Systems",
    "Alder Research", "Granite Cloud", "Kite Robotics",
]  # fmt: skip
ACADEMIC_ROLES = [
    "an assistant professor", "an associate professor", "a professor", "a PhD student",
    "a postdoctoral researcher",
]  # fmt: skip
INDUSTRY_ROLES = [
    "a research scientist", "a staff engineer", "a principal engineer",
    "a senior software engineer", "an engineering manager",
]  # fmt: skip
PAST_WORK = [
    "built large-scale training infrastructure at {company}",
    "worked on ML compilers at {company}",
    "completed a PhD at {university}",
    "led the inference platform team at {company}",
]
AWARDS = [
    "a best paper award at MLSys",
    "a best artifact award",
    "an early-career research award",
    "a distinguished reviewer award",
]
SMALL_WORDS = {"a", "and", "for", "in", "of", "on", "the", "to", "with", "from"}
