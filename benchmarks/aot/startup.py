# Start time of samples/AotConsole: Native AOT against the JIT (docs/BENCHMARKS.md, "Native AOT (issue 23 §3)").
# Run from the repository root after: dotnet publish samples/AotConsole -c Release -r linux-x64 -p:TreatWarningsAsErrors=false
import subprocess, time, statistics, sys
B='samples/AotConsole/bin/Release/net10.0/linux-x64'
cmds={'Native AOT --startup':[B+'/publish/AotConsole','--startup'],
      'JIT --startup (dotnet AotConsole.dll)':['dotnet',B+'/AotConsole.dll','--startup'],
      'JIT full sample (dotnet AotConsole.dll)':['dotnet',B+'/AotConsole.dll']}
runs=int(sys.argv[1]) if len(sys.argv)>1 else 20
for name,cmd in cmds.items():
    n = runs if 'full' not in name else 5
    ts=[]
    subprocess.run(cmd,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)  # warm the file cache
    for _ in range(n):
        t=time.perf_counter(); r=subprocess.run(cmd,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); ts.append((time.perf_counter()-t)*1000)
        assert r.returncode==0,(name,r.returncode)
    print(f"{name}: median {statistics.median(ts):.1f} ms, min {min(ts):.1f} ms, max {max(ts):.1f} ms over {n} runs")
